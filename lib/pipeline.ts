import {existsSync, rmSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {dirname, resolve} from "node:path";
import {adapterFor} from "./adapters/index.js";
import {closeDatabase, openDatabase, queryRows, type Database} from "./duckdb.js";
import {ingest, type IngestReport} from "./ingest.js";
import {timed, type Log} from "./progress.js";
import type {Settings} from "./settings/index.js";
import {saveSegments} from "./segments/build.js";
import {computeTags} from "./tags/index.js";
import {ensureSchema, latestDrop} from "./warehouse.js";

export interface RefreshOptions {
  drop: string;
  format: string;
  warehouse: string;
  settings: Settings;
  asOf?: string;
  /** Start from an empty warehouse even when the drop comes from the same source. */
  fresh?: boolean;
  log: Log;
}

/**
 * Ingests a drop into the warehouse and recomputes everything derived from it (tags, history).
 *
 * A warehouse holds the drops of one shop. When a drop comes from another source (another parent
 * folder or another format), the warehouse is started afresh instead of mixing two shops' data.
 */
export async function refreshWarehouse(options: RefreshOptions): Promise<IngestReport> {
  const {drop, format, warehouse, settings, log} = options;
  const adapter = adapterFor(format);
  if (!existsSync(drop)) throw new Error(`--drop ${drop}: no such file or folder`);
  await mkdir(dirname(resolve(warehouse)), {recursive: true});

  const source = `${format}:${dirname(resolve(drop))}`;
  if (options.fresh || (await holdsOtherSource(warehouse, source))) {
    log(`starting a fresh warehouse at ${warehouse} (new source ${source})`);
    for (const suffix of ["", ".wal"]) rmSync(warehouse + suffix, {force: true});
  }

  const db = await openDatabase(warehouse);
  try {
    await ensureSchema(db.connection);
    const report = await timed(log, `ingest ${drop} (${format})`, () =>
      ingest(db.connection, adapter, drop, settings, options.asOf),
    );
    for (const t of report.tables) {
      log(`  ${t.table}: ${t.rowsRead} read, ${t.rowsLoaded} loaded, ${t.rowsRejected} rejected`);
    }
    await timed(log, `tags as of ${report.asOf}`, () => computeTags(db.connection, report.asOf, settings));
    const newest = await latestDrop(db.connection);
    if (newest?.asOf === report.asOf) {
      await timed(log, `segments as of ${report.asOf}`, () => saveSegments(db.connection, report.asOf, settings));
    }
    await db.connection.run("CHECKPOINT");
    return report;
  } finally {
    closeDatabase(db);
  }
}

async function holdsOtherSource(warehouse: string, source: string): Promise<boolean> {
  if (!existsSync(warehouse)) return false;
  let db: Database | undefined;
  try {
    db = await openDatabase(warehouse, true);
    const rows = await queryRows<{s: string}>(
      db.connection,
      "SELECT DISTINCT format || ':' || parent AS s FROM (SELECT format, regexp_replace(source, '/[^/]*$', '') AS parent FROM drops)",
      "warehouse source",
    );
    return rows.some((r) => r.s !== source);
  } catch {
    return true;
  } finally {
    if (db) closeDatabase(db);
  }
}
