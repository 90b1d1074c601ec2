// The success context's stores on one database, for the wiring (src/main.ts) and the tools.
import type { Database } from "../../platform/db/client.ts";
import { prismaAccountStore, type AccountStore } from "./accounts.ts";
import { prismaAccountAlertStore, type AccountAlertStore } from "./account-alerts.ts";
import { prismaRuleAlertStore, type RuleAlertStore } from "./alerts.ts";
import { prismaBatchStore, type BatchStore } from "./batches.ts";
import { prismaSegmentStore, type SegmentStore } from "./segment.ts";
import { prismaHealthStore, type HealthStore, type RunLease } from "./health-runs.ts";

export interface SuccessStores {
  accounts: AccountStore;
  health: HealthStore;
  alerts: AccountAlertStore;
  ruleAlerts: RuleAlertStore;
  batches: BatchStore;
  segment: SegmentStore;
}

/** `runLease`: the lease a health check holds while it runs (this process, the job lease). */
export function prismaSuccessStores(db: Database, runLease?: RunLease): SuccessStores {
  return {
    accounts: prismaAccountStore(db),
    health: prismaHealthStore(db, runLease),
    alerts: prismaAccountAlertStore(db),
    ruleAlerts: prismaRuleAlertStore(db),
    batches: prismaBatchStore(db),
    segment: prismaSegmentStore(db),
  };
}
