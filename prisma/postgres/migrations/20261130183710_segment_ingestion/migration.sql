-- CreateTable
CREATE TABLE "SegmentMessage" (
    "messageId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentMessage_pkey" PRIMARY KEY ("messageId")
);

-- CreateTable
CREATE TABLE "SegmentUser" (
    "userId" TEXT NOT NULL,
    "accountExternalId" TEXT,
    "traits" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentUser_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "SegmentDailyUser" (
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "SegmentDailyUser_pkey" PRIMARY KEY ("accountExternalId","date","userId")
);

-- CreateTable
CREATE TABLE "SegmentDailyEvent" (
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SegmentDailyEvent_pkey" PRIMARY KEY ("accountExternalId","date","event")
);

-- CreateIndex
CREATE INDEX "SegmentMessage_receivedAt_idx" ON "SegmentMessage"("receivedAt");

