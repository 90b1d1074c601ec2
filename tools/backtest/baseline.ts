// The logins-only baseline: the same model and rules with only the components computed from active
// users (usage trend and licence utilisation); every other weight is 0, scored as of old: no onboarding
// stage, no renewal weighting, trends not compared with the book's (the replay runs it with book: false).
import { COMPONENTS, parseHealthConfig, type ComponentName, type HealthConfig } from "../../src/success/rules/health-config.ts";

export const LOGIN_COMPONENTS: readonly ComponentName[] = ["usageTrend", "licenceUtilisation"];

export function loginsOnlyConfig(config: HealthConfig): HealthConfig {
  const defaults = parseHealthConfig(null).weights;
  const own = LOGIN_COMPONENTS.some((c) => config.weights[c] > 0);
  const weights = Object.fromEntries(
    COMPONENTS.map((c) => [c, LOGIN_COMPONENTS.includes(c) ? (own ? config.weights[c] : defaults[c]) : 0]),
  ) as Record<ComponentName, number>;
  // Nor the onboarding stage or the renewal weighting: the baseline is the plain logins score.
  return { ...config, weights, onboardingDays: 0, renewal: { ...config.renewal, weight: 0 } };
}
