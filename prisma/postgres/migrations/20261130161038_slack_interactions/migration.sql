-- CreateTable
CREATE TABLE "SlackInteraction" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "userId" TEXT,
    "seenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackInteraction_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SlackInteraction_seenAt_idx" ON "SlackInteraction"("seenAt");

