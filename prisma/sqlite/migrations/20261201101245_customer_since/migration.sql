-- AlterTable
ALTER TABLE "Account" ADD COLUMN "customerSince" TEXT;

