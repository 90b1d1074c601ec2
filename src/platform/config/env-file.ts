// The optional .env file: `KEY=value` lines (dotenv's format: # comments, quotes, `export ` prefixes) read
// into the environment before the configuration is parsed. A variable the environment already has wins;
// an empty one counts as unset there as everywhere, so the file's value fills it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import dotenv from "dotenv";

export interface EnvFileRead {
  /** The file read (absolute). */
  file: string;
  /** The variables it set. */
  applied: string[];
  /** The variables it names that the environment already had (those keep the environment's value). */
  overridden: string[];
}

/** Reads `file` (default ./.env) into `env` when it exists; null when there is no such file. */
export function loadEnvFile(file = ".env", env: Record<string, string | undefined> = process.env): EnvFileRead | null {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) return null;
  const values = dotenv.parse(readFileSync(absolute));
  const applied: string[] = [];
  const overridden: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if ((env[name] ?? "").trim() !== "") overridden.push(name);
    else {
      env[name] = value;
      applied.push(name);
    }
  }
  return { file: absolute, applied, overridden };
}
