-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "leaseUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ChannelPace" (
    "channelId" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChannelPace_pkey" PRIMARY KEY ("channelId")
);

-- CreateIndex
CREATE INDEX "JobRun_status_leaseUntil_idx" ON "JobRun"("status", "leaseUntil");

