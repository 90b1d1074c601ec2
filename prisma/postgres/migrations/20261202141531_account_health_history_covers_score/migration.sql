-- The new index is built before the old one is dropped: on Postgres the build takes a SHARE lock (reads go
-- on) and only the drop an ACCESS EXCLUSIVE one, held briefly until the migration commits. IF NOT EXISTS: an
-- operator with a very large history may build it beforehand (CREATE INDEX CONCURRENTLY, docs/operations.md).

-- CreateIndex
CREATE INDEX IF NOT EXISTS "AccountHealth_accountExternalId_computedAt_score_idx" ON "AccountHealth"("accountExternalId", "computedAt", "score");

-- DropIndex
DROP INDEX "AccountHealth_accountExternalId_computedAt_idx";
