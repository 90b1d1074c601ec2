-- The health history's index in the order checks write it (run, then account) instead of by account, so a
-- daily check appends its entries instead of writing one on each page of the index; an account's history
-- is read through its runs, found by the moment each scored as of (the new "checkedAt").
--
-- The new index is built before the old one is dropped: on Postgres the build takes a SHARE lock (reads go
-- on) and only the drop an ACCESS EXCLUSIVE one, held briefly until the migration commits. IF NOT EXISTS: an
-- operator with a very large history may build it beforehand (CREATE INDEX CONCURRENTLY, docs/operations.md).

-- AlterTable
ALTER TABLE "HealthCheckRun" ADD COLUMN "checkedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX IF NOT EXISTS "AccountHealth_runId_accountExternalId_computedAt_score_idx" ON "AccountHealth"("runId", "accountExternalId", "computedAt", "score");

-- Every score of a check carries the moment it scored as of: one row's (a seek on the new index) is the run's.
UPDATE "HealthCheckRun" SET "checkedAt" = (SELECT h."computedAt" FROM "AccountHealth" h WHERE h."runId" = "HealthCheckRun"."id" LIMIT 1)
WHERE "checkedAt" IS NULL;

-- CreateIndex
CREATE INDEX "HealthCheckRun_checkedAt_idx" ON "HealthCheckRun"("checkedAt");

-- DropIndex
DROP INDEX "AccountHealth_accountExternalId_computedAt_score_idx";
