// What the customer-success use cases work with: the transaction owner, the stores, the alert notifier,
// the clock, the log, the health configuration and the settings of the health check.
import type { Access } from "../../shared/access.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Transactor } from "../../platform/db/transactor.ts";
import type { Logger } from "../../platform/observability/log.ts";
import type { AlertNotifier } from "../ports.ts";
import type { HealthConfig } from "../rules/health-config.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { AccountAlertStore } from "../store/account-alerts.ts";
import type { RuleAlertStore } from "../store/alerts.ts";
import type { BatchStore } from "../store/batches.ts";
import type { HealthStore } from "../store/health-runs.ts";

export interface SuccessSettings {
  /** ALERTS_CHANNEL: where alerts go when neither the account nor its CSM has a channel. */
  alertsChannel?: string;
  /** Accounts read and scored at once by a health check (default 2000). */
  sliceSize?: number;
  /** ALERT_REALTIME_CAP: messages of their own per channel per check; the rest go to the digest (default 10). */
  realtimeCap?: number;
  /** When the next scheduled check runs (null: none scheduled), for the check's summary. */
  nextCheckAt?: (after: Date) => Date | null;
}

export interface SuccessContext {
  /** Who may do what: every use case a person starts checks it first. */
  access: Access;
  tx: Transactor;
  accounts: AccountStore;
  health: HealthStore;
  /** Accounts' alerts: what people see and act on. */
  alerts: AccountAlertStore;
  /** The per-rule history behind them. */
  ruleAlerts: RuleAlertStore;
  batches: BatchStore;
  notifier: AlertNotifier;
  clock: Clock;
  log: Logger;
  config: HealthConfig;
  settings: SuccessSettings;
  /** Counts health checks and the alerts they raise (GET /metrics). */
  metrics?: { healthCheckRan(summary: { trigger: string; status: string; alertsRaised: number }): void };
}
