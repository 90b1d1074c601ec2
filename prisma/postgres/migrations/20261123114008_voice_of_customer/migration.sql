-- CreateTable
CREATE TABLE "FeedbackItem" (
    "id" SERIAL NOT NULL,
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
    "accountArr" DOUBLE PRECISION,
    "accountTier" TEXT,
    "accountBand" TEXT,
    "permalink" TEXT,
    "kind" TEXT,
    "importance" TEXT,
    "note" TEXT,
    "ticketId" INTEGER,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "withdrawnAt" TIMESTAMP(3),
    "cardOutboxId" INTEGER,
    "suggestions" TEXT NOT NULL DEFAULT '[]',
    "loopClosedAt" TIMESTAMP(3),

    CONSTRAINT "FeedbackItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedbackTagger" (
    "itemId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "taggedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedbackTagger_pkey" PRIMARY KEY ("itemId","userId")
);

-- CreateTable
CREATE TABLE "Theme" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "mergedIntoId" INTEGER,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "shippedAt" TIMESTAMP(3),
    "shippedById" TEXT,
    "shippedNote" TEXT,

    CONSTRAINT "Theme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedbackTheme" (
    "itemId" INTEGER NOT NULL,
    "themeId" INTEGER NOT NULL,
    "addedById" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedbackTheme_pkey" PRIMARY KEY ("itemId","themeId")
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

