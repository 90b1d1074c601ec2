-- AccountFeature as a WITHOUT ROWID table: its rows kept in the order of its key (account, feature), so a
-- health check reads a range of accounts' features from the table itself, where the ordinary table sent it
-- from the key's index to a row elsewhere for each of them (about 0.5 s a check of 100,000 accounts, out of
-- about 1.4 s, docs/benchmarks.md). One b-tree fewer for each feature stored. Written by hand: Prisma's
-- schema has no word for it, so the schema is unchanged.
--
-- SQLite cannot change a table in place: a new table, the rows copied, the old one dropped, the new one
-- renamed, its index made again (about 2.6 s for 800,000 features).

CREATE TABLE "new_AccountFeature" (
    "accountExternalId" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "firstSeen" TEXT NOT NULL,
    "lastSeen" TEXT NOT NULL,

    PRIMARY KEY ("accountExternalId", "feature")
) WITHOUT ROWID;

INSERT INTO "new_AccountFeature" ("accountExternalId", "feature", "firstSeen", "lastSeen")
SELECT "accountExternalId", "feature", "firstSeen", "lastSeen" FROM "AccountFeature";

DROP TABLE "AccountFeature";

ALTER TABLE "new_AccountFeature" RENAME TO "AccountFeature";

CREATE INDEX "AccountFeature_lastSeen_feature_idx" ON "AccountFeature"("lastSeen", "feature");
