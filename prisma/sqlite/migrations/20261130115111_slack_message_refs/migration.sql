-- CreateTable
CREATE TABLE "SlackMessageRef" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "subject" TEXT NOT NULL,
    "subjectId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "outboxId" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "SlackMessageRef_outboxId_idx" ON "SlackMessageRef"("outboxId");

-- CreateIndex
CREATE UNIQUE INDEX "SlackMessageRef_subject_subjectId_role_key" ON "SlackMessageRef"("subject", "subjectId", "role");


-- Copy the references kept on domain rows until now
INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") SELECT 'ticket', "id", 'ack', "ackOutboxId" FROM "Ticket" WHERE "ackOutboxId" IS NOT NULL;
INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") SELECT 'ticket', "id", 'card', "cardOutboxId" FROM "Ticket" WHERE "cardOutboxId" IS NOT NULL;
INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") SELECT 'csat_survey', "ticketId", 'survey', "outboxId" FROM "CsatSurvey" WHERE "outboxId" IS NOT NULL;
INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") SELECT 'alert', "id", 'message', "outboxId" FROM "HealthAlert" WHERE "outboxId" IS NOT NULL;
INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") SELECT 'feedback_item', "id", 'card', "cardOutboxId" FROM "FeedbackItem" WHERE "cardOutboxId" IS NOT NULL;
