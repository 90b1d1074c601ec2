-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "sourceState" TEXT;

-- AlterTable
ALTER TABLE "TicketMessage" ADD COLUMN "state" TEXT;

