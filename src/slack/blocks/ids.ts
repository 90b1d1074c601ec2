// Callback and action IDs the Slack listeners and the Block Kit builders share (and manifest.json names).
export const ACTIONS = {
  assignMe: "ticket_assign_me",
  assignee: "ticket_assignee",
  priority: "ticket_priority",
  status: "ticket_status",
  reply: "ticket_reply",
  resolve: "ticket_resolve",
  /** The card's overflow menu: status and Tag as feedback (the value says which). */
  cardMore: "ticket_more",
  reopen: "ticket_reopen",
  csatComment: "csat_comment",
  alertAcknowledge: "alert_acknowledge",
  alertSnooze: "alert_snooze",
  alertReassign: "alert_reassign",
  alertNote: "alert_note",
  riskDigestView: "risk_digest_view",
  feedbackConfirmTheme: "feedback_confirm_theme",
  ticketFeedback: "ticket_feedback",
  /** Mark shipped as a button: digests posted before the overflow menu still carry it. */
  themeShip: "theme_ship",
  /** A digest theme's View items button (value `<themeId>:<from ms>:<to ms>`). */
  themeItems: "theme_items",
  /** A digest theme's overflow menu: Mark shipped…, Archive theme (values `ship:<id>`, `archive:<id>`). */
  themeMenu: "theme_menu",
  feedbackSendAnyway: "feedback_send_anyway",
  statsDetails: "support_stats_details",
  homeAssignMe: "home_assign_me",
  homeReply: "home_reply",
  homeOpenCard: "home_open_card",
} as const;

/** The CSAT survey's five buttons: `csat_score_1` … `csat_score_5` (each button's value is the ticket id). */
export const csatScoreActionId = (score: number) => `csat_score_${score}`;
export const CSAT_SCORE_ACTION = /^csat_score_([1-5])$/;

export const VIEWS = {
  reply: "ticket_reply_modal",
  csatComment: "csat_comment_modal",
  alertNote: "alert_note_modal",
  sendToProduct: "send_to_product_modal",
  themeShip: "theme_ship_modal",
  statsDetails: "support_stats_details_modal",
  themeItems: "theme_items_modal",
} as const;
export const SHORTCUTS = { createTicket: "create_ticket", sendToProduct: "send_to_product" } as const;
export const COMMANDS = { ticket: "/ticket", support: "/support", cs: "/cs", feedback: "/feedback" } as const;

export const REPLY_INPUT = { block: "reply", action: "text" } as const;
export const CSAT_COMMENT_INPUT = { block: "csat_comment", action: "text" } as const;
export const ALERT_NOTE_INPUT = { block: "alert_note", action: "text" } as const;
export const THEME_SHIP_INPUT = { block: "ship_note", action: "text" } as const;

/** Alert controls carry the alert id in their block id: `alert:<id>:<n>`. */
export const alertBlockId = (alertId: number, n: number) => `alert:${alertId}:${n}`;

export function alertIdFromBlockId(blockId: unknown): number | null {
  if (typeof blockId !== "string") return null;
  const match = /^alert:(\d+):\d+$/.exec(blockId);
  return match ? Number(match[1]) : null;
}

/** Card controls carry the ticket id in their block id: `ticket:<id>:<n>`. */
export const cardBlockId = (ticketId: number, n: number) => `ticket:${ticketId}:${n}`;

export function ticketIdFromBlockId(blockId: unknown): number | null {
  if (typeof blockId !== "string") return null;
  const match = /^ticket:(\d+):\d+$/.exec(blockId);
  return match ? Number(match[1]) : null;
}
