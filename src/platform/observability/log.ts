// Structured logs: one JSON line per event, on stdout. Secrets and message text are never logged at
// info level; the redaction below is a second line of defence for fields that might carry them.
import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "customer-desk" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ["token", "*.token", "headers.authorization", "signingSecret", "*.signingSecret", "text", "*.text"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
