-- CreateTable
CREATE TABLE "Account" (
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT,
    "tier" TEXT,
    "arr" DOUBLE PRECISION,
    "seats" INTEGER,
    "renewalDate" TEXT,
    "csmSlackUserId" TEXT,
    "alertChannel" TEXT,
    "attributes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("externalId")
);

-- CreateTable
CREATE TABLE "AccountFigure" (
    "id" SERIAL NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "seats" INTEGER,
    "arr" DOUBLE PRECISION,

    CONSTRAINT "AccountFigure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageDay" (
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "activeUsers" INTEGER NOT NULL,
    "featuresUsed" TEXT NOT NULL DEFAULT '[]',
    "events" TEXT NOT NULL DEFAULT '{}',
    "keyEvents" INTEGER NOT NULL DEFAULT 0,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsageDay_pkey" PRIMARY KEY ("accountExternalId","date")
);

-- CreateTable
CREATE TABLE "AccountFeature" (
    "accountExternalId" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "firstSeen" TEXT NOT NULL,
    "lastSeen" TEXT NOT NULL,

    CONSTRAINT "AccountFeature_pkey" PRIMARY KEY ("accountExternalId","feature")
);

-- CreateTable
CREATE TABLE "NpsResponse" (
    "id" SERIAL NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "respondedAt" TIMESTAMP(3) NOT NULL,
    "respondentEmail" TEXT NOT NULL DEFAULT '',
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NpsResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthCheckRun" (
    "id" SERIAL NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "accountsScored" INTEGER NOT NULL DEFAULT 0,
    "alertsRaised" INTEGER NOT NULL DEFAULT 0,
    "alertsCleared" INTEGER NOT NULL DEFAULT 0,
    "alertsWorsened" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "HealthCheckRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountHealth" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "score" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "components" TEXT NOT NULL,

    CONSTRAINT "AccountHealth_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountHealthCurrent" (
    "accountExternalId" TEXT NOT NULL,
    "runId" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "score" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "components" TEXT NOT NULL,

    CONSTRAINT "AccountHealthCurrent_pkey" PRIMARY KEY ("accountExternalId")
);

-- CreateTable
CREATE TABLE "HealthAlert" (
    "id" SERIAL NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "openKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "severity" DOUBLE PRECISION NOT NULL,
    "raisedAt" TIMESTAMP(3) NOT NULL,
    "raisedRunId" INTEGER NOT NULL,
    "lastRunId" INTEGER NOT NULL,
    "clearedAt" TIMESTAMP(3),
    "clearedRunId" INTEGER,
    "detail" TEXT NOT NULL,
    "channelId" TEXT,
    "ownerId" TEXT,
    "outboxId" INTEGER,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedById" TEXT,
    "snoozedUntil" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HealthAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthAlertEvent" (
    "id" SERIAL NOT NULL,
    "alertId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "text" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HealthAlertEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Account_csmSlackUserId_idx" ON "Account"("csmSlackUserId");

-- CreateIndex
CREATE INDEX "Account_name_idx" ON "Account"("name");

-- CreateIndex
CREATE INDEX "AccountFigure_accountExternalId_recordedAt_idx" ON "AccountFigure"("accountExternalId", "recordedAt");

-- CreateIndex
CREATE INDEX "UsageDay_date_idx" ON "UsageDay"("date");

-- CreateIndex
CREATE INDEX "AccountFeature_lastSeen_feature_idx" ON "AccountFeature"("lastSeen", "feature");

-- CreateIndex
CREATE INDEX "NpsResponse_accountExternalId_respondedAt_idx" ON "NpsResponse"("accountExternalId", "respondedAt");

-- CreateIndex
CREATE UNIQUE INDEX "NpsResponse_accountExternalId_respondentEmail_respondedAt_key" ON "NpsResponse"("accountExternalId", "respondentEmail", "respondedAt");

-- CreateIndex
CREATE INDEX "HealthCheckRun_startedAt_idx" ON "HealthCheckRun"("startedAt");

-- CreateIndex
CREATE INDEX "AccountHealth_accountExternalId_computedAt_idx" ON "AccountHealth"("accountExternalId", "computedAt");

-- CreateIndex
CREATE INDEX "AccountHealth_runId_idx" ON "AccountHealth"("runId");

-- CreateIndex
CREATE INDEX "AccountHealthCurrent_band_score_idx" ON "AccountHealthCurrent"("band", "score");

-- CreateIndex
CREATE UNIQUE INDEX "HealthAlert_openKey_key" ON "HealthAlert"("openKey");

-- CreateIndex
CREATE INDEX "HealthAlert_accountExternalId_status_idx" ON "HealthAlert"("accountExternalId", "status");

-- CreateIndex
CREATE INDEX "HealthAlert_ownerId_status_idx" ON "HealthAlert"("ownerId", "status");

-- CreateIndex
CREATE INDEX "HealthAlert_status_escalatedAt_idx" ON "HealthAlert"("status", "escalatedAt");

-- CreateIndex
CREATE INDEX "HealthAlertEvent_alertId_at_idx" ON "HealthAlertEvent"("alertId", "at");

-- CreateIndex
CREATE INDEX "Ticket_accountExternalId_createdAt_idx" ON "Ticket"("accountExternalId", "createdAt");

