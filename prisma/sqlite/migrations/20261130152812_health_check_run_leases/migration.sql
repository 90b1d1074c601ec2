-- AlterTable
ALTER TABLE "HealthCheckRun" ADD COLUMN "leaseOwner" TEXT;
ALTER TABLE "HealthCheckRun" ADD COLUMN "leaseUntil" DATETIME;

-- CreateIndex
CREATE INDEX "HealthCheckRun_status_leaseUntil_idx" ON "HealthCheckRun"("status", "leaseUntil");


-- Checks left running before runs had leases: their process is gone (or finishes them itself), so they
-- are marked abandoned by the first sweep.
UPDATE "HealthCheckRun" SET "leaseUntil" = "startedAt" WHERE "status" = 'running';
