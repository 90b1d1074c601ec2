-- AlterTable
ALTER TABLE "HealthCheckRun" ADD COLUMN     "book" TEXT;

