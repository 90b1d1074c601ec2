-- CreateIndex
CREATE INDEX "Ticket_metrics_idx" ON "Ticket"("createdAt", "priority", "assigneeId", "accountExternalId", "channelId", "resolvedAt", "firstResponseSeconds", "firstResponseBusinessSeconds", "resolutionSeconds", "resolutionBusinessSeconds", "reopenCount", "agentResponseCount");

-- CreateIndex
CREATE INDEX "SlaTimer_ticketId_kind_met_idx" ON "SlaTimer"("ticketId", "kind", "met");

-- CreateIndex
CREATE INDEX "CsatResponse_ticketId_score_idx" ON "CsatResponse"("ticketId", "score");

