-- AlterTable
ALTER TABLE "HealthAlert" ADD COLUMN "accountAlertId" INTEGER;

-- CreateTable
CREATE TABLE "AccountAlert" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountExternalId" TEXT NOT NULL,
    "openKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "delivery" TEXT NOT NULL,
    "stake" REAL NOT NULL,
    "raisedAt" DATETIME NOT NULL,
    "raisedRunId" INTEGER NOT NULL,
    "lastRunId" INTEGER NOT NULL,
    "clearedAt" DATETIME,
    "clearedRunId" INTEGER,
    "detail" TEXT NOT NULL,
    "channelId" TEXT,
    "ownerId" TEXT,
    "acknowledgedAt" DATETIME,
    "acknowledgedById" TEXT,
    "snoozedUntil" DATETIME,
    "escalatedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AccountAlertEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountAlertId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "text" TEXT,
    "at" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AccountAlert_openKey_key" ON "AccountAlert"("openKey");

-- CreateIndex
CREATE INDEX "AccountAlert_status_accountExternalId_idx" ON "AccountAlert"("status", "accountExternalId");

-- CreateIndex
CREATE INDEX "AccountAlert_ownerId_status_idx" ON "AccountAlert"("ownerId", "status");

-- CreateIndex
CREATE INDEX "AccountAlert_status_channelId_delivery_idx" ON "AccountAlert"("status", "channelId", "delivery");

-- CreateIndex
CREATE INDEX "AccountAlertEvent_accountAlertId_at_idx" ON "AccountAlertEvent"("accountAlertId", "at");

-- CreateIndex
CREATE INDEX "HealthAlert_accountAlertId_idx" ON "HealthAlert"("accountAlertId");

