-- AlterTable
ALTER TABLE "HealthAlert" ADD COLUMN     "accountAlertId" INTEGER;

-- CreateTable
CREATE TABLE "AccountAlert" (
    "id" SERIAL NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "openKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "delivery" TEXT NOT NULL,
    "stake" DOUBLE PRECISION NOT NULL,
    "raisedAt" TIMESTAMP(3) NOT NULL,
    "raisedRunId" INTEGER NOT NULL,
    "lastRunId" INTEGER NOT NULL,
    "clearedAt" TIMESTAMP(3),
    "clearedRunId" INTEGER,
    "detail" TEXT NOT NULL,
    "channelId" TEXT,
    "ownerId" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedById" TEXT,
    "snoozedUntil" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountAlertEvent" (
    "id" SERIAL NOT NULL,
    "accountAlertId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actorId" TEXT,
    "text" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountAlertEvent_pkey" PRIMARY KEY ("id")
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

