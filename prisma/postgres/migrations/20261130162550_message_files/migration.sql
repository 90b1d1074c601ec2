-- AlterTable
ALTER TABLE "TicketMessage" ADD COLUMN     "files" TEXT;

