-- CreateTable
CREATE TABLE "UsageStaging" (
    "batchId" TEXT NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "activeUsers" INTEGER NOT NULL,
    "featuresUsed" TEXT NOT NULL,
    "events" TEXT NOT NULL,
    "keyEvents" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("batchId", "accountExternalId", "date")
);

-- CreateTable
CREATE TABLE "FeatureStaging" (
    "batchId" TEXT NOT NULL,
    "accountExternalId" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "firstSeen" TEXT NOT NULL,
    "lastSeen" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("batchId", "accountExternalId", "feature")
);

