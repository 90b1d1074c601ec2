-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "agentResponseCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "firstResponseBusinessSeconds" INTEGER,
ADD COLUMN     "firstResponseSeconds" INTEGER,
ADD COLUMN     "previousTicketId" INTEGER,
ADD COLUMN     "resolutionBusinessSeconds" INTEGER,
ADD COLUMN     "resolutionSeconds" INTEGER,
ADD COLUMN     "tier" TEXT;

-- AlterTable
ALTER TABLE "SupportChannel" ADD COLUMN     "tier" TEXT;

-- CreateTable
CREATE TABLE "SlaTimer" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "targetSeconds" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "consumedSeconds" INTEGER NOT NULL DEFAULT 0,
    "runningSince" TIMESTAMP(3),
    "dueAt" TIMESTAMP(3),
    "warnAt" TIMESTAMP(3),
    "warnedAt" TIMESTAMP(3),
    "breachedAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "met" BOOLEAN,

    CONSTRAINT "SlaTimer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CsatSurvey" (
    "ticketId" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "requesterTeamId" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL,
    "outboxId" INTEGER,

    CONSTRAINT "CsatSurvey_pkey" PRIMARY KEY ("ticketId")
);

-- CreateTable
CREATE TABLE "CsatResponse" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "answeredAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CsatResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slot" TIMESTAMP(3) NOT NULL,
    "owner" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "detail" TEXT,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SlaTimer_stoppedAt_warnAt_idx" ON "SlaTimer"("stoppedAt", "warnAt");

-- CreateIndex
CREATE INDEX "SlaTimer_stoppedAt_dueAt_idx" ON "SlaTimer"("stoppedAt", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "SlaTimer_ticketId_kind_key" ON "SlaTimer"("ticketId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "CsatResponse_ticketId_userId_key" ON "CsatResponse"("ticketId", "userId");

-- CreateIndex
CREATE INDEX "JobRun_name_slot_idx" ON "JobRun"("name", "slot");

-- CreateIndex
CREATE INDEX "Ticket_assigneeId_status_idx" ON "Ticket"("assigneeId", "status");

-- AddForeignKey
ALTER TABLE "SlaTimer" ADD CONSTRAINT "SlaTimer_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

