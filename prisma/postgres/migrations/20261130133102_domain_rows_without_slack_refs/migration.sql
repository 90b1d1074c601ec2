-- The Slack references now live in SlackMessageRef (filled by 20261130115111_slack_message_refs).
-- AlterTable
ALTER TABLE "Ticket" DROP COLUMN "ackOutboxId",
DROP COLUMN "cardOutboxId";

-- AlterTable
ALTER TABLE "CsatSurvey" DROP COLUMN "outboxId";

-- AlterTable
ALTER TABLE "OutboxMessage" DROP COLUMN "linkRole",
DROP COLUMN "ticketId";

-- AlterTable
ALTER TABLE "HealthAlert" DROP COLUMN "outboxId";

-- AlterTable
ALTER TABLE "FeedbackItem" DROP COLUMN "cardOutboxId";

