-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN "leaseUntil" DATETIME;

-- CreateTable
CREATE TABLE "ChannelPace" (
    "channelId" TEXT NOT NULL PRIMARY KEY,
    "nextAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "JobRun_status_leaseUntil_idx" ON "JobRun"("status", "leaseUntil");

