// Command-line arguments of the backtest scripts: positional values and `--name value` options, with
// the message to print when one is wrong.
export class UsageError extends Error {}
/** --help: print the usage and exit successfully. */
export class HelpRequest extends UsageError {}

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
  /** Options without a value (`--json`) that were given. */
  flags: Set<string>;
}

export function parseArgs(
  argv: readonly string[],
  known: readonly string[],
  usage: string,
  knownFlags: readonly string[] = [],
): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new HelpRequest(usage);
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (knownFlags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value\n${usage}`);
      flags.add(name);
      continue;
    }
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}\n${usage}`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === "") throw new UsageError(`--${name} needs a value\n${usage}`);
    options.set(name, value);
  }
  return { positional, options, flags };
}

/** A whole-number option within [min, max], or `fallback` when absent. */
export function intOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number, usage: string): number {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"\n${usage}`);
  return n;
}
