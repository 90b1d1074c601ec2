-- DropIndex
DROP INDEX "HealthAlert_accountExternalId_status_idx";

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "refKey" TEXT;

-- CreateIndex
CREATE INDEX "SupportChannel_accountExternalId_idx" ON "SupportChannel"("accountExternalId");

-- CreateIndex
CREATE INDEX "OutboxMessage_refKey_idx" ON "OutboxMessage"("refKey");

-- CreateIndex
CREATE INDEX "HealthAlert_status_accountExternalId_idx" ON "HealthAlert"("status", "accountExternalId");

