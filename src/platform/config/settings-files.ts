// The JSON settings files read at start-up, beside the environment (config.ts): the SLA policy
// (SLA_POLICY_FILE, else ./sla-policy.json) and the health configuration (HEALTH_CONFIG_FILE, else
// ./health-config.json). Each falls back to built-in defaults when neither is there. A file that cannot
// be read, or that its parser refuses, stops start-up with a StartupError saying why.
import { existsSync, readFileSync } from "node:fs";
import type { Config } from "./config.ts";
import type { Logger } from "../observability/log.ts";
import { parseSlaPolicy, SlaPolicyError, type SlaPolicy } from "../../support/rules/sla-policy.ts";
import { calibrationIsStale } from "../../success/rules/calibration.ts";
import { HealthConfigError, parseHealthConfig, type HealthConfig } from "../../success/rules/health-config.ts";

/** Start-up cannot go on; the message says what to fix. */
export class StartupError extends Error {}

export const DEFAULT_SLA_POLICY_FILE = "sla-policy.json";
export const DEFAULT_HEALTH_CONFIG_FILE = "health-config.json";

/**
 * A JSON settings file: the variable's path, else `defaultFile` when present, else the built-in defaults
 * (`parse(null)`). An unreadable file or one its parser refuses (`Refused`) stops start-up with the reason.
 */
export function loadSettingsFile<T>(
  variable: string,
  file: string | undefined,
  defaultFile: string,
  parse: (text: string | null, source?: string) => T,
  Refused: new (...args: never[]) => Error,
): { value: T; source: string } {
  const path = file ?? (existsSync(defaultFile) ? defaultFile : null);
  if (!path) return { value: parse(null), source: "built-in defaults" };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new StartupError(
      `${variable} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the path`,
    );
  }
  try {
    return { value: parse(text, path), source: path };
  } catch (error) {
    if (error instanceof Refused) throw new StartupError(error.message);
    throw error;
  }
}

/** SLA_POLICY_FILE, else ./sla-policy.json when present, else the built-in defaults. */
export function loadSlaPolicy(file: string | undefined): { policy: SlaPolicy; source: string } {
  const { value, source } = loadSettingsFile("SLA_POLICY_FILE", file, DEFAULT_SLA_POLICY_FILE, parseSlaPolicy, SlaPolicyError);
  return { policy: value, source };
}

/** HEALTH_CONFIG_FILE, else ./health-config.json when present, else the built-in defaults. */
export function loadHealthConfig(file: string | undefined): { config: HealthConfig; source: string } {
  const { value, source } = loadSettingsFile("HEALTH_CONFIG_FILE", file, DEFAULT_HEALTH_CONFIG_FILE, parseHealthConfig, HealthConfigError);
  return { config: value, source };
}

/** Both settings files the configuration names (or their defaults), each logged with where it came from. */
export function loadSettingsFiles(config: Config, log: Logger): { policy: SlaPolicy; healthConfig: HealthConfig } {
  const { policy, source: slaPolicy } = loadSlaPolicy(config.SLA_POLICY_FILE);
  log.info({ slaPolicy, timezone: policy.calendar.timezone }, "SLA policy loaded");
  const { config: healthConfig, source } = loadHealthConfig(config.HEALTH_CONFIG_FILE);
  log.info(
    { healthConfig: source, calibration: healthConfig.calibration ? healthConfig.calibration.date : null },
    "health configuration loaded",
  );
  if (calibrationIsStale(healthConfig))
    log.warn(
      { healthConfig: source },
      "the calibration in the health configuration was counted under other scoring settings (weights, distressWeight, peerAttribute, knownFeatures, keyEvents; or by a version of the app without one of them): no churn probability is shown until `npm run backtest -- <dir> --config <file> --write <file>` counts it again",
    );
  return { policy, healthConfig };
}
