-- CreateTable
CREATE TABLE "Ticket" (
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
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TicketEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "fromValue" TEXT,
    "toValue" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "TicketEvent_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TicketMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "TicketMessage_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ThreadLink" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channelId" TEXT NOT NULL,
    "threadTs" TEXT NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    CONSTRAINT "ThreadLink_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SupportChannel" (
    "channelId" TEXT NOT NULL PRIMARY KEY,
    "accountExternalId" TEXT,
    "linkedById" TEXT NOT NULL,
    "linkedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "InboxEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "eventType" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "retryNum" INTEGER NOT NULL DEFAULT 0,
    "receivedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "processedAt" DATETIME
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "method" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "threadTs" TEXT,
    "threadRefId" INTEGER,
    "updateRefId" INTEGER,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "postedTs" TEXT,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "ticketId" INTEGER,
    "linkRole" TEXT
);

-- CreateIndex
CREATE INDEX "Ticket_channelId_requesterId_status_idx" ON "Ticket"("channelId", "requesterId", "status");

-- CreateIndex
CREATE INDEX "Ticket_status_priority_idx" ON "Ticket"("status", "priority");

-- CreateIndex
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_channelId_sourceTs_key" ON "Ticket"("channelId", "sourceTs");

-- CreateIndex
CREATE INDEX "TicketEvent_ticketId_at_idx" ON "TicketEvent"("ticketId", "at");

-- CreateIndex
CREATE INDEX "TicketEvent_kind_at_idx" ON "TicketEvent"("kind", "at");

-- CreateIndex
CREATE INDEX "TicketMessage_ticketId_at_idx" ON "TicketMessage"("ticketId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "TicketMessage_channelId_ts_key" ON "TicketMessage"("channelId", "ts");

-- CreateIndex
CREATE INDEX "ThreadLink_ticketId_idx" ON "ThreadLink"("ticketId");

-- CreateIndex
CREATE UNIQUE INDEX "ThreadLink_channelId_threadTs_ticketId_key" ON "ThreadLink"("channelId", "threadTs", "ticketId");

-- CreateIndex
CREATE UNIQUE INDEX "InboxEvent_eventId_key" ON "InboxEvent"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "InboxEvent_dedupeKey_key" ON "InboxEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "InboxEvent_status_availableAt_idx" ON "InboxEvent"("status", "availableAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_availableAt_idx" ON "OutboxMessage"("status", "availableAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_channelId_postedTs_idx" ON "OutboxMessage"("channelId", "postedTs");

-- CreateIndex
CREATE INDEX "OutboxMessage_updateRefId_status_idx" ON "OutboxMessage"("updateRefId", "status");

