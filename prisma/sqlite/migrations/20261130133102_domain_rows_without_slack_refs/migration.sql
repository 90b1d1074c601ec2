-- The Slack references now live in SlackMessageRef (filled by 20261130115111_slack_message_refs).
-- SQLite drops the columns in place (none is indexed or constrained).
ALTER TABLE "Ticket" DROP COLUMN "ackOutboxId";
ALTER TABLE "Ticket" DROP COLUMN "cardOutboxId";
ALTER TABLE "CsatSurvey" DROP COLUMN "outboxId";
ALTER TABLE "OutboxMessage" DROP COLUMN "linkRole";
ALTER TABLE "OutboxMessage" DROP COLUMN "ticketId";
ALTER TABLE "HealthAlert" DROP COLUMN "outboxId";
ALTER TABLE "FeedbackItem" DROP COLUMN "cardOutboxId";
