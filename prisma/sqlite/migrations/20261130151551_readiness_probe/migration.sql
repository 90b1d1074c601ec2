-- CreateTable
CREATE TABLE "ReadinessProbe" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "checkedAt" DATETIME NOT NULL,
    "owner" TEXT NOT NULL
);

