-- CreateTable
CREATE TABLE "SegmentMessage" (
    "messageId" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SegmentUser" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "accountExternalId" TEXT,
    "traits" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SegmentDailyUser" (
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    PRIMARY KEY ("accountExternalId", "date", "userId")
);

-- CreateTable
CREATE TABLE "SegmentDailyEvent" (
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("accountExternalId", "date", "event")
);

-- CreateIndex
CREATE INDEX "SegmentMessage_receivedAt_idx" ON "SegmentMessage"("receivedAt");

