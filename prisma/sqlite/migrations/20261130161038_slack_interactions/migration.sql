-- CreateTable
CREATE TABLE "SlackInteraction" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "userId" TEXT,
    "seenAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "SlackInteraction_seenAt_idx" ON "SlackInteraction"("seenAt");

