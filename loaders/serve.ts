import type {DuckDBConnection} from "@duckdb/node-api";
import {closeDatabase, openDatabase} from "../lib/duckdb.js";
import {stderrLog, type Log} from "../lib/progress.js";
import {loadSettings, type Settings} from "../lib/settings/index.js";
import {latestDrop, warehousePath} from "../lib/warehouse.js";

/** What every loader gets: the warehouse (read-only), the drop it reports on, and the settings. */
export interface LoaderContext {
  connection: DuckDBConnection;
  asOf: string;
  previousAsOf: string | null;
  dropId: string;
  settings: Settings;
  log: Log;
}

/**
 * Runs a loader: opens the warehouse read-only (Framework runs several loaders at once), calls
 * `load`, and writes its result to stdout as JSON. Progress goes to stderr; a failure exits
 * non-zero so the build stops with the loader's message.
 */
export async function serveJson(name: string, load: (context: LoaderContext) => Promise<unknown>): Promise<void> {
  const log = stderrLog(name);
  const db = await openDatabase(warehousePath(), true);
  try {
    const drop = await latestDrop(db.connection);
    if (!drop) throw new Error(`${name}: the warehouse ${warehousePath()} holds no drop; run tagbook build first`);
    const settings = loadSettings();
    const result = await load({connection: db.connection, ...drop, settings, log});
    const json = JSON.stringify(result);
    process.stdout.write(json);
    log(`${json.length} bytes as of ${drop.asOf}`);
  } finally {
    closeDatabase(db);
  }
}
