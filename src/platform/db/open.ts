// Opens the database named by DATABASE_URL and applies the migrations it lacks; a database that cannot be
// prepared stops start-up with the reason.
import { StartupError } from "../config/settings-files.ts";
import type { Logger } from "../observability/log.ts";
import { openDatabase, type Database } from "./client.ts";
import { migrate } from "./migrate.ts";

export async function openMigratedDatabase(url: string | undefined, log: Logger): Promise<Database> {
  const db = await openDatabase(url);
  try {
    const applied = await migrate(db);
    log.info({ database: db.location, applied }, applied.length ? "database migrated" : "database up to date");
    return db;
  } catch (error) {
    await db.close();
    throw new StartupError(`could not prepare the database at ${db.location}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
