-- CreateIndex
CREATE INDEX "UsageDay_accountExternalId_date_activeUsers_keyEvents_idx" ON "UsageDay"("accountExternalId", "date", "activeUsers", "keyEvents");

