-- CreateIndex
CREATE INDEX "OutboxMessage_status_channelId_id_idx" ON "OutboxMessage"("status", "channelId", "id");

