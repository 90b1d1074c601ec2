-- AlterTable
ALTER TABLE "HealthCheckRun" ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "HealthCheckRun_status_leaseUntil_idx" ON "HealthCheckRun"("status", "leaseUntil");


-- Checks left running before runs had leases: their process is gone (or finishes them itself), so they
-- are marked abandoned by the first sweep.
UPDATE "HealthCheckRun" SET "leaseUntil" = "startedAt" WHERE "status" = 'running';
