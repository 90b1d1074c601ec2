-- AlterTable
ALTER TABLE "SupportChannel" ADD COLUMN "tier" TEXT;

-- CreateTable
CREATE TABLE "SlaTimer" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "targetSeconds" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "consumedSeconds" INTEGER NOT NULL DEFAULT 0,
    "runningSince" DATETIME,
    "dueAt" DATETIME,
    "warnAt" DATETIME,
    "warnedAt" DATETIME,
    "breachedAt" DATETIME,
    "stoppedAt" DATETIME,
    "met" BOOLEAN,
    CONSTRAINT "SlaTimer_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CsatSurvey" (
    "ticketId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "requesterTeamId" TEXT,
    "sentAt" DATETIME NOT NULL,
    "outboxId" INTEGER
);

-- CreateTable
CREATE TABLE "CsatResponse" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "answeredAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JobRun" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slot" DATETIME NOT NULL,
    "owner" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "detail" TEXT
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Ticket" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT NOT NULL,
    "sourceTs" TEXT,
    "threadTs" TEXT,
    "requesterId" TEXT NOT NULL,
    "requesterTeamId" TEXT,
    "requesterName" TEXT,
    "requesterCompany" TEXT,
    "text" TEXT NOT NULL,
    "permalink" TEXT,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "status" TEXT NOT NULL DEFAULT 'open',
    "assigneeId" TEXT,
    "origin" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL,
    "firstResponseAt" DATETIME,
    "firstResponderId" TEXT,
    "resolvedAt" DATETIME,
    "resolvedById" TEXT,
    "reopenedAt" DATETIME,
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "lastCustomerMessageAt" DATETIME NOT NULL,
    "ackOutboxId" INTEGER,
    "cardOutboxId" INTEGER,
    "accountExternalId" TEXT,
    "tier" TEXT,
    "previousTicketId" INTEGER,
    "agentResponseCount" INTEGER NOT NULL DEFAULT 0,
    "firstResponseSeconds" INTEGER,
    "firstResponseBusinessSeconds" INTEGER,
    "resolutionSeconds" INTEGER,
    "resolutionBusinessSeconds" INTEGER,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Ticket" ("accountExternalId", "ackOutboxId", "assigneeId", "cardOutboxId", "channelId", "createdAt", "createdById", "firstResponderId", "firstResponseAt", "id", "lastCustomerMessageAt", "origin", "permalink", "priority", "reopenCount", "reopenedAt", "requesterCompany", "requesterId", "requesterName", "requesterTeamId", "resolvedAt", "resolvedById", "sourceTs", "status", "text", "threadTs", "updatedAt") SELECT "accountExternalId", "ackOutboxId", "assigneeId", "cardOutboxId", "channelId", "createdAt", "createdById", "firstResponderId", "firstResponseAt", "id", "lastCustomerMessageAt", "origin", "permalink", "priority", "reopenCount", "reopenedAt", "requesterCompany", "requesterId", "requesterName", "requesterTeamId", "resolvedAt", "resolvedById", "sourceTs", "status", "text", "threadTs", "updatedAt" FROM "Ticket";
DROP TABLE "Ticket";
ALTER TABLE "new_Ticket" RENAME TO "Ticket";
CREATE INDEX "Ticket_channelId_requesterId_status_idx" ON "Ticket"("channelId", "requesterId", "status");
CREATE INDEX "Ticket_status_priority_idx" ON "Ticket"("status", "priority");
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");
CREATE INDEX "Ticket_assigneeId_status_idx" ON "Ticket"("assigneeId", "status");
CREATE UNIQUE INDEX "Ticket_channelId_sourceTs_key" ON "Ticket"("channelId", "sourceTs");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

