-- AlterTable
ALTER TABLE "SlackMessageRef" ADD COLUMN     "shown" TEXT;

