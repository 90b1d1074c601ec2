// Logs: one line per event on stdout. JSON (for log collectors) unless stdout is a terminal, where the
// line is made readable by pino-pretty, in this process (LOG_FORMAT forces either). Secrets and message
// text are never logged at info level; the redaction below is a second line of defence for fields that
// might carry them.
import { pino, type Logger, type DestinationStream } from "pino";
import pinoPretty from "pino-pretty";

export type { Logger };

/** LOG_FORMAT: auto (pretty on a terminal, JSON otherwise), pretty or json. */
export type LogFormatSetting = "auto" | "pretty" | "json";

/** The format actually written: `auto` is pretty only when the output is a terminal. */
export function chooseLogFormat(setting: LogFormatSetting, outputIsTerminal: boolean): "pretty" | "json" {
  if (setting === "auto") return outputIsTerminal ? "pretty" : "json";
  return setting;
}

export interface LogOutput {
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
  /** The LOG_FORMAT setting; `auto` by default. */
  format?: LogFormatSetting;
  /** Whether the output is a terminal (for `auto` and colours); stdout's own by default. */
  isTerminal?: boolean;
}

interface SerializedError {
  type?: string;
  message?: string;
  stack?: string;
}

/** An error's type, message and the first frame of its stack, on one line (the JSON format keeps the whole stack). */
function errorInOneLine(err: SerializedError): string {
  const at = err.stack
    ?.split("\n")
    .map((line) => line.trim())
    .find((line) => line.startsWith("at "));
  return `${err.type ?? "Error"}: ${err.message ?? ""}${at ? ` (${at})` : ""}`;
}

/** A pino-pretty stream writing one line per event: time, level, message, then the other fields as compact JSON. */
function prettyStream(destination: DestinationStream | undefined, colorize: boolean): DestinationStream {
  return pinoPretty({
    destination: destination ?? 1,
    sync: true,
    colorize,
    singleLine: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname,app,err",
    messageFormat: (log, messageKey) => {
      const message = typeof log[messageKey] === "string" ? (log[messageKey] as string) : "";
      const err = log.err as SerializedError | undefined;
      return err && typeof err === "object" ? `${message} — ${errorInOneLine(err)}` : message;
    },
  });
}

export function createLogger(level: string, output: LogOutput | DestinationStream = {}): Logger {
  const { destination, format = "auto", isTerminal } = "write" in output ? { destination: output } : output;
  const terminal = isTerminal ?? (destination === undefined && process.stdout.isTTY === true);
  const stream = chooseLogFormat(format, terminal) === "pretty" ? prettyStream(destination, terminal) : destination;
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
    stream,
  );
}
