-- DropIndex
DROP INDEX "AccountHealth_accountExternalId_computedAt_idx";

-- CreateIndex
CREATE INDEX "AccountHealth_accountExternalId_computedAt_score_idx" ON "AccountHealth"("accountExternalId", "computedAt", "score");

