// The number of known features on each day: the configured list, else the distinct features any
// account used in the 90 days ending that day (as the scheduled check counts them).
import type { HealthConfig } from "../../src/success/rules/health-config.ts";
import { sourceOf, type AccountSource } from "./account-source.ts";
import type { History } from "./history.ts";
import type { Timeline } from "./timeline.ts";

export const KNOWN_FEATURES_DAYS = 90;

export function knownFeaturesByDay(h: History | AccountSource, t: Timeline, config: Pick<HealthConfig, "knownFeatures">): Int32Array {
  const out = new Int32Array(t.length);
  if (config.knownFeatures.length) return out.fill(new Set(config.knownFeatures).size);
  const lastSeen = new Map<string, number>();
  const byDay = sourceOf(h).featuresByDay();
  for (let d = 0; d < t.length; d++) {
    for (const f of byDay[d] ?? []) lastSeen.set(f, d);
    let n = 0;
    for (const seen of lastSeen.values()) if (seen > d - KNOWN_FEATURES_DAYS) n++;
    out[d] = n;
  }
  return out;
}
