// The one place where the optional parts of the app are switched on, from the configuration. Each part
// is null when off, or the settings it runs with: main.ts wires a part with `if (parts.feedback) ...`
// and has its settings at hand. /healthz shows each part's state with the reason it is off (describeParts);
// the start-up log names the parts that are off in one line (logOffParts).
import type { Config } from "./config.ts";
import type { Logger } from "../observability/log.ts";
import type { AccessMode, Role } from "../../shared/access.ts";

export interface Parts {
  /** Triage cards in TRIAGE_CHANNEL (without it tickets are logged and acknowledged only). */
  triage: { channel: string } | null;
  /** Slack reaches the app over a Socket Mode connection too (SLACK_APP_TOKEN). */
  socketMode: { appToken: string } | null;
  /** The /api/v1 routes (INGEST_API_TOKEN); without it they answer 503. */
  api: { token: string } | null;
  /** Segment-compatible ingestion at POST /api/v1/segment (SEGMENT_WRITE_KEY); without it the endpoint answers 404. */
  segment: { writeKey: string } | null;
  /** Voice of the customer: feedback capture, themes and closing the loop (PRODUCT_CHANNEL). */
  feedback: { productChannel: string } | null;
  /** The weekly support summary in the triage channel. */
  supportSummary: { schedule: string; channel: string } | null;
  /** The voice-of-customer digest in the product channel. */
  vocDigest: { schedule: string; channel: string } | null;
  /** SLA warnings and breach alerts. */
  slaSweep: { schedule: string } | null;
  /** Scheduled account health checks (POST /api/v1/health-checks runs one whatever this says). */
  healthChecks: { schedule: string } | null;
  /** Churn-risk alerts also go to a shared ALERTS_CHANNEL. */
  alertsChannel: { channel: string } | null;
  /** Unacknowledged red alerts are escalated (when the health configuration names a lead too). */
  alertEscalation: { schedule: string } | null;
  /** Satisfaction surveys on resolve. */
  csat: { sampleRate: number; minDaysBetween: number } | null;
  /** Charts uploaded next to /cs account, churn-risk alerts and the weekly summary. */
  charts: Record<string, never> | null;
  /** Stored events are deleted once done longer ago than this. */
  inboxRetention: { retentionMs: number } | null;
  /** Agents are known by AGENT_USER_IDS or AGENT_USERGROUP_ID. */
  agentDirectory: { userIds: string[]; usergroupId: string | null } | null;
  /** Who may do what (docs/security.md): the role lists and user groups. */
  roles: RoleSettings;
}

/** The role lists and user groups; "workspace" mode while none is set (a fresh install). */
export interface RoleSettings {
  mode: AccessMode;
  lists: Record<Role, string[]>;
  groups: { agent?: string; csm?: string; product?: string };
}

export function roleSettingsOf(cfg: Config): RoleSettings {
  const lists = { agent: cfg.AGENT_USER_IDS, csm: cfg.CSM_USER_IDS, product: cfg.PRODUCT_USER_IDS, admin: cfg.ADMIN_USER_IDS };
  const groups = { agent: cfg.AGENT_USERGROUP_ID, csm: cfg.CSM_USERGROUP_ID, product: cfg.PRODUCT_USERGROUP_ID };
  const configured = Object.values(lists).some((ids) => ids.length > 0) || Object.values(groups).some(Boolean);
  return { mode: configured ? "configured" : "workspace", lists, groups };
}

/** One sentence on who counts as staff, for the start-up log and /healthz. */
export function describeAccess(roles: RoleSettings): string {
  if (roles.mode === "workspace")
    return "no role is configured: every member of the app's workspace who is not a guest may do everything; set AGENT_USER_IDS, CSM_USER_IDS, PRODUCT_USER_IDS and ADMIN_USER_IDS (or the user groups) to limit it";
  const count = (role: Role, group?: string) => `${role}s: ${roles.lists[role].length} listed${group ? " and a user group" : ""}`;
  const { agent, csm, product } = roles.groups;
  return `roles are configured (${count("agent", agent)}; ${count("csm", csm)} plus accounts' CSMs; ${count("product", product)}; ${count("admin")})`;
}

const when = <T>(on: unknown, settings: () => T): T | null => (on ? settings() : null);

export function partsOf(cfg: Config): Parts {
  return {
    triage: when(cfg.TRIAGE_CHANNEL, () => ({ channel: cfg.TRIAGE_CHANNEL! })),
    socketMode: when(cfg.SLACK_APP_TOKEN, () => ({ appToken: cfg.SLACK_APP_TOKEN! })),
    api: when(cfg.INGEST_API_TOKEN, () => ({ token: cfg.INGEST_API_TOKEN! })),
    segment: when(cfg.SEGMENT_WRITE_KEY, () => ({ writeKey: cfg.SEGMENT_WRITE_KEY! })),
    feedback: when(cfg.PRODUCT_CHANNEL, () => ({ productChannel: cfg.PRODUCT_CHANNEL! })),
    supportSummary: when(cfg.SUPPORT_SUMMARY_CRON && cfg.TRIAGE_CHANNEL, () => ({
      schedule: cfg.SUPPORT_SUMMARY_CRON!,
      channel: cfg.TRIAGE_CHANNEL!,
    })),
    vocDigest: when(cfg.PRODUCT_CHANNEL && cfg.VOC_DIGEST_CRON, () => ({ schedule: cfg.VOC_DIGEST_CRON!, channel: cfg.PRODUCT_CHANNEL! })),
    slaSweep: when(cfg.SLA_SWEEP_CRON, () => ({ schedule: cfg.SLA_SWEEP_CRON! })),
    healthChecks: when(cfg.HEALTH_CHECK_CRON, () => ({ schedule: cfg.HEALTH_CHECK_CRON! })),
    alertsChannel: when(cfg.ALERTS_CHANNEL, () => ({ channel: cfg.ALERTS_CHANNEL! })),
    alertEscalation: when(cfg.ALERT_ESCALATION_CRON, () => ({ schedule: cfg.ALERT_ESCALATION_CRON! })),
    csat: when(cfg.CSAT_ENABLED, () => ({ sampleRate: cfg.CSAT_SAMPLE_RATE, minDaysBetween: cfg.CSAT_MIN_DAYS_BETWEEN })),
    charts: when(cfg.CHARTS, () => ({})),
    inboxRetention: when(cfg.INBOX_RETENTION !== null, () => ({ retentionMs: cfg.INBOX_RETENTION! })),
    agentDirectory: when(cfg.AGENT_USER_IDS.length > 0 || cfg.AGENT_USERGROUP_ID, () => ({
      userIds: cfg.AGENT_USER_IDS,
      usergroupId: cfg.AGENT_USERGROUP_ID ?? null,
    })),
    roles: roleSettingsOf(cfg),
  };
}

export type PartStates = Record<string, { enabled: boolean; reason?: string }>;

const state = (on: unknown, reason: string) => (on ? { enabled: true } : { enabled: false, reason });

/** What the app does with the configuration it has: which parts are on and why the others are off. */
export function describeParts(cfg: Config): PartStates {
  const on = partsOf(cfg);
  return {
    triage: state(on.triage, "TRIAGE_CHANNEL is not set: tickets are logged and acknowledged but no triage cards are posted"),
    socketMode: state(on.socketMode, "SLACK_APP_TOKEN is not set: Slack reaches the app over HTTP at /slack/events"),
    metricsApi: state(on.api, "INGEST_API_TOKEN is not set: the /api/v1 routes answer 503"),
    segment: state(on.segment, "SEGMENT_WRITE_KEY is not set: POST /api/v1/segment (Segment-compatible usage and accounts) answers 404"),
    supportSummary: state(
      on.supportSummary,
      cfg.SUPPORT_SUMMARY_CRON ? "TRIAGE_CHANNEL is not set: no weekly support summary" : "SUPPORT_SUMMARY_CRON is off",
    ),
    slaSweep: state(on.slaSweep, "SLA_SWEEP_CRON is off: no SLA warnings or breach alerts"),
    healthChecks: state(on.healthChecks, "HEALTH_CHECK_CRON is off: accounts are scored only on POST /api/v1/health-checks"),
    alertsChannel: state(
      on.alertsChannel,
      "ALERTS_CHANNEL is not set: churn-risk alerts go only to an account's alertChannel or its CSM's channel; the others are kept (see /cs account and the App Home) but not posted",
    ),
    voiceOfCustomer: state(
      on.feedback,
      "PRODUCT_CHANNEL is not set: feedback is not captured (the :bulb: reaction, /feedback and Send to product answer that it is off) and no digests are posted",
    ),
    vocDigest: state(
      on.vocDigest,
      cfg.VOC_DIGEST_CRON
        ? "PRODUCT_CHANNEL is not set: no voice-of-customer digest"
        : "VOC_DIGEST_CRON is off: no voice-of-customer digest",
    ),
    csat: state(on.csat, "CSAT_ENABLED is false: no surveys on resolve"),
    charts: state(on.charts, "CHARTS is off: no pictures under /cs account, churn-risk alerts or the weekly summary"),
    agentDirectory: state(
      on.agentDirectory,
      "neither AGENT_USER_IDS nor AGENT_USERGROUP_ID is set: in internal channels everyone counts as a customer; in Slack Connect channels your own workspace counts as the company",
    ),
  };
}

/**
 * What each part that can be off is called in the start-up line, and what turns it on. Socket Mode is not
 * among them: HTTP is the recommended way in, not a part left off.
 */
const OFF_PART_NAMES: Partial<Record<string, { name: string; turnOn: string }>> = {
  triage: { name: "triage cards", turnOn: "set TRIAGE_CHANNEL" },
  agentDirectory: { name: "the agent list", turnOn: "set AGENT_USER_IDS or AGENT_USERGROUP_ID" },
  metricsApi: { name: "the /api/v1 routes (customer-success data in)", turnOn: "set INGEST_API_TOKEN" },
  segment: { name: "Segment-compatible ingestion", turnOn: "set SEGMENT_WRITE_KEY" },
  alertsChannel: { name: "the shared alerts channel", turnOn: "set ALERTS_CHANNEL" },
  voiceOfCustomer: { name: "voice of the customer", turnOn: "set PRODUCT_CHANNEL" },
  supportSummary: { name: "the weekly support summary", turnOn: "set SUPPORT_SUMMARY_CRON" },
  vocDigest: { name: "the voice-of-customer digest", turnOn: "set VOC_DIGEST_CRON" },
  slaSweep: { name: "SLA warnings", turnOn: "set SLA_SWEEP_CRON" },
  healthChecks: { name: "scheduled health checks", turnOn: "set HEALTH_CHECK_CRON" },
  csat: { name: "CSAT surveys", turnOn: "set CSAT_ENABLED=true" },
};

/**
 * The parts that are off, as one sentence: "off: triage cards (set TRIAGE_CHANNEL), …". A part that is off
 * only because another one is (the summary without a triage channel, the digest without a product channel)
 * is not named again. Null when every part is on.
 */
export function summariseOffParts(cfg: Config): { parts: string[]; message: string } | null {
  const states = describeParts(cfg);
  const off = (part: string) => states[part]?.enabled === false;
  const followsFrom: Record<string, () => boolean> = {
    supportSummary: () => Boolean(cfg.SUPPORT_SUMMARY_CRON) && off("triage"),
    vocDigest: () => Boolean(cfg.VOC_DIGEST_CRON) && off("voiceOfCustomer"),
  };
  const parts = Object.keys(OFF_PART_NAMES).filter((part) => off(part) && !followsFrom[part]?.());
  if (parts.length === 0) return null;
  const named = parts.map((part) => `${OFF_PART_NAMES[part]!.name} (${OFF_PART_NAMES[part]!.turnOn})`);
  return { parts, message: `off: ${named.join(", ")}; GET /healthz says why each is off` };
}

/** One info line at start-up naming the parts that are off and what turns each on. */
export function logOffParts(cfg: Config, log: Logger): void {
  const summary = summariseOffParts(cfg);
  if (summary) log.info({ off: summary.parts }, summary.message);
}
