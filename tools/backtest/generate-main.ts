// npm run backtest:generate -- <dir> [--accounts N] [--days D] [--seed S]
// Writes a synthetic labelled history (the CSV files npm run backtest reads) to <dir>.
import { existsSync, readdirSync } from "node:fs";
import { HelpRequest, intOption, parseArgs, UsageError } from "./cli-args.ts";
import { DEFAULT_GENERATE, generateHistory } from "./generate.ts";
import { writeHistory } from "./history-writer.ts";

const d = DEFAULT_GENERATE;
const USAGE = `usage: npm run backtest:generate -- <dir> [--accounts N] [--days D] [--seed S]
  dir         where to write accounts.csv, usage.csv, tickets.csv, nps.csv, churn.csv, seat_changes.csv and patterns.csv (created if needed)
  --accounts  number of accounts (default ${d.accounts})
  --days      days of history from ${d.start} (default ${d.days}; at least 90)
  --seed      random seed; the same seed gives the same files (default ${d.seed})`;

function main(): void {
  const args = parseArgs(process.argv.slice(2), ["accounts", "days", "seed"], USAGE);
  if (args.positional.length !== 1) throw new UsageError(`give one directory to write to\n${USAGE}`);
  const [dir] = args.positional;
  const accounts = intOption(args, "accounts", d.accounts, 1, 100_000, USAGE);
  const days = intOption(args, "days", d.days, 90, 3650, USAGE);
  const seed = intOption(args, "seed", d.seed, 0, 2 ** 32 - 1, USAGE);
  if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".csv")))
    console.log(`${dir} already holds CSV files; the history's files are overwritten.`);
  const history = generateHistory({ accounts, days, seed });
  writeHistory(dir, history);
  console.log(
    `Wrote ${history.accounts.length} accounts, ${history.usage.length.toLocaleString("en-US")} usage days, ${history.tickets.length.toLocaleString("en-US")} tickets, ` +
      `${history.nps.length} NPS answers, ${history.churn.length} churns and ${history.seatChanges!.length} seat changes to ${dir} (each account's pattern in patterns.csv)`,
  );
}

try {
  main();
} catch (error) {
  if (error instanceof HelpRequest) {
    console.log(error.message);
    process.exit(0);
  }
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
