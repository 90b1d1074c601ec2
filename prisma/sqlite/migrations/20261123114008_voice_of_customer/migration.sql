-- CreateTable
CREATE TABLE "FeedbackItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "origin" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageTs" TEXT,
    "threadTs" TEXT,
    "text" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "authorName" TEXT,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "accountExternalId" TEXT,
    "accountName" TEXT,
    "accountArr" REAL,
    "accountTier" TEXT,
    "accountBand" TEXT,
    "permalink" TEXT,
    "kind" TEXT,
    "importance" TEXT,
    "note" TEXT,
    "ticketId" INTEGER,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "withdrawnAt" DATETIME,
    "cardOutboxId" INTEGER,
    "suggestions" TEXT NOT NULL DEFAULT '[]',
    "loopClosedAt" DATETIME
);

-- CreateTable
CREATE TABLE "FeedbackTagger" (
    "itemId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "taggedAt" DATETIME NOT NULL,

    PRIMARY KEY ("itemId", "userId")
);

-- CreateTable
CREATE TABLE "Theme" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "nameKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "mergedIntoId" INTEGER,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "shippedAt" DATETIME,
    "shippedById" TEXT,
    "shippedNote" TEXT
);

-- CreateTable
CREATE TABLE "FeedbackTheme" (
    "itemId" INTEGER NOT NULL,
    "themeId" INTEGER NOT NULL,
    "addedById" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL,

    PRIMARY KEY ("itemId", "themeId")
);

-- CreateIndex
CREATE INDEX "FeedbackItem_createdAt_status_idx" ON "FeedbackItem"("createdAt", "status");

-- CreateIndex
CREATE INDEX "FeedbackItem_accountExternalId_createdAt_idx" ON "FeedbackItem"("accountExternalId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackItem_channelId_messageTs_key" ON "FeedbackItem"("channelId", "messageTs");

-- CreateIndex
CREATE UNIQUE INDEX "Theme_nameKey_key" ON "Theme"("nameKey");

-- CreateIndex
CREATE INDEX "Theme_status_idx" ON "Theme"("status");

-- CreateIndex
CREATE INDEX "FeedbackTheme_themeId_itemId_idx" ON "FeedbackTheme"("themeId", "itemId");

