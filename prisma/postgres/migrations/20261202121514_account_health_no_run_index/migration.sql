-- DropIndex
DROP INDEX "AccountHealth_runId_idx";

