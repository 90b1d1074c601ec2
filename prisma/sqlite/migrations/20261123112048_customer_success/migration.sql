-- CreateTable
CREATE TABLE "Account" (
    "externalId" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "domain" TEXT,
    "tier" TEXT,
    "arr" REAL,
    "seats" INTEGER,
    "renewalDate" TEXT,
    "csmSlackUserId" TEXT,
    "alertChannel" TEXT,
    "attributes" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AccountFigure" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountExternalId" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "seats" INTEGER,
    "arr" REAL
);

-- CreateTable
CREATE TABLE "UsageDay" (
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "activeUsers" INTEGER NOT NULL,
    "featuresUsed" TEXT NOT NULL DEFAULT '[]',
    "events" TEXT NOT NULL DEFAULT '{}',
    "keyEvents" INTEGER NOT NULL DEFAULT 0,
    "receivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("accountExternalId", "date")
);

-- CreateTable
CREATE TABLE "AccountFeature" (
    "accountExternalId" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "firstSeen" TEXT NOT NULL,
    "lastSeen" TEXT NOT NULL,

    PRIMARY KEY ("accountExternalId", "feature")
);

-- CreateTable
CREATE TABLE "NpsResponse" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountExternalId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "respondedAt" DATETIME NOT NULL,
    "respondentEmail" TEXT NOT NULL DEFAULT '',
    "receivedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "HealthCheckRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "accountsScored" INTEGER NOT NULL DEFAULT 0,
    "alertsRaised" INTEGER NOT NULL DEFAULT 0,
    "alertsCleared" INTEGER NOT NULL DEFAULT 0,
    "alertsWorsened" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT
);

-- CreateTable
CREATE TABLE "AccountHealth" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" INTEGER NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "score" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "components" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AccountHealthCurrent" (
    "accountExternalId" TEXT NOT NULL PRIMARY KEY,
    "runId" INTEGER NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "score" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "components" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "HealthAlert" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountExternalId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "openKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "severity" REAL NOT NULL,
    "raisedAt" DATETIME NOT NULL,
    "raisedRunId" INTEGER NOT NULL,
    "lastRunId" INTEGER NOT NULL,
    "clearedAt" DATETIME,
    "clearedRunId" INTEGER,
    "detail" TEXT NOT NULL,
    "channelId" TEXT,
    "ownerId" TEXT,
    "outboxId" INTEGER,
    "acknowledgedAt" DATETIME,
    "acknowledgedById" TEXT,
    "snoozedUntil" DATETIME,
    "escalatedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "HealthAlertEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "alertId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "text" TEXT,
    "at" DATETIME NOT NULL
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

