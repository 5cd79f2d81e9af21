import {createHash} from "node:crypto";
import {existsSync, rmSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {dirname, resolve} from "node:path";
import {adapterFor} from "./adapters/index.js";
import type {DuckDBConnection} from "@duckdb/node-api";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "./duckdb.js";
import {asOfFromPath, ingest, type IngestReport} from "./ingest.js";
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

  const source = sourceKey(format, resolve(drop));
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
    logIngestReport(report, log);
    await tagDrop(db.connection, report.asOf, settings, log);
    await db.connection.run("CHECKPOINT");
    return report;
  } finally {
    closeDatabase(db);
  }
}

/**
 * Rows read and rejected per file (rejects made by the adapter while reading a raw export, such
 * as UCI lines without a customer, count too), then rows loaded per table.
 */
export function logIngestReport(report: IngestReport, log: Log): void {
  for (const f of report.files) {
    const rejected = report.rejectsByReason
      .filter((r) => r.file === f.file)
      .reduce((sum, r) => sum + r.rows, 0);
    log(`  ${f.file} (${f.table}): ${f.rows} rows read, ${rejected} rejected`);
  }
  log(
    `  loaded: ${report.tables.map((t) => `${t.table} ${t.rowsLoaded}`).join(", ") || "nothing"}`,
  );
  const reasons = report.rejectsByReason.length;
  if (reasons > 0)
    log(
      `  rejects by reason: tagbook check or the Data quality page (${reasons} file/column/reason groups)`,
    );
}

/** Tags one as-of date (and saves the segments when it is the newest drop), noting the settings. */
async function tagDrop(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
  log: Log,
): Promise<void> {
  await timed(log, `tags as of ${asOf}`, () => computeTags(connection, asOf, settings));
  const newest = await latestDrop(connection);
  if (newest?.asOf === asOf) {
    await timed(log, `segments as of ${asOf}`, () => saveSegments(connection, asOf, settings));
  }
  await run(
    connection,
    "INSERT OR REPLACE INTO tag_runs VALUES (CAST($asOf AS DATE), $hash)",
    "tag runs",
    {asOf, hash: settingsHash(settings)},
  );
}

/**
 * The version of what tagging derives (tables and their columns). Raise it when a change makes
 * tables of an existing warehouse unusable by the new code (colour_features gained `seq`; version 3:
 * days_since_click is null when the export tracks no link clicks; 4: colour_features.inactive_months), so the
 * next command re-tags every drop instead of reading them.
 */
const DERIVED_VERSION = 4;

/** A fingerprint of the settings in force (parsed settings list their keys in schema order) and of DERIVED_VERSION. */
export function settingsHash(settings: Settings): string {
  return createHash("sha256")
    .update(JSON.stringify(settings))
    .update(`derived ${DERIVED_VERSION}`)
    .digest("hex")
    .slice(0, 16);
}

/**
 * Re-tags every drop of the warehouse, oldest first, when any was tagged under other settings
 * than these (or before tagbook recorded them), so that a rebuild after a settings change shows
 * tags, tiers, colours and segments under the new rules. Nothing is re-ingested.
 *
 * @returns Whether anything was re-tagged.
 */
export async function retagIfSettingsChanged(
  warehouse: string,
  settings: Settings,
  log: Log,
): Promise<boolean> {
  const db = await openDatabase(warehouse);
  try {
    await ensureSchema(db.connection);
    const stale = await queryRows<{as_of: string}>(
      db.connection,
      `SELECT DISTINCT strftime(d.as_of, '%Y-%m-%d') AS as_of FROM drops d LEFT JOIN tag_runs t USING (as_of)
       WHERE t.settings_hash IS DISTINCT FROM $hash ORDER BY 1`,
      "tag runs",
      {hash: settingsHash(settings)},
    );
    if (stale.length === 0) return false;
    const all = await queryRows<{as_of: string}>(
      db.connection,
      "SELECT DISTINCT strftime(as_of, '%Y-%m-%d') AS as_of FROM drops ORDER BY 1",
      "tag runs",
    );
    log(
      `the tags of ${stale.map((s) => s.as_of).join(", ")} were made under other settings or by an older tagbook: re-tagging every drop`,
    );
    // Every drop, not just the stale ones: each snapshot's changes are read against the one before.
    for (const {as_of} of all) await tagDrop(db.connection, as_of, settings, log);
    await db.connection.run("CHECKPOINT");
    return true;
  } finally {
    closeDatabase(db);
  }
}

/**
 * The shop a drop belongs to. A folder named by its as-of date (data/drops/2026-12-01) is one drop
 * of the shop whose folder holds it, so its parent is the source; any other folder or file (a chat
 * export, an Olist folder, one UCI year) is a source of its own, so two exports side by side never
 * mix in one warehouse.
 */
function sourceKey(format: string, path: string): string {
  return `${format}:${asOfFromPath(path) ? dirname(path) : path}`;
}

async function holdsOtherSource(warehouse: string, source: string): Promise<boolean> {
  if (!existsSync(warehouse)) return false;
  let db: Database;
  try {
    db = await openDatabase(warehouse, true);
  } catch (error) {
    // Never start afresh (deleting the warehouse) because it could not be read: it may only be
    // locked by another tagbook command that is writing it.
    throw new Error(
      `cannot open the warehouse ${warehouse} (${(error as Error).message}); ` +
        "if another tagbook command is running, wait for it; --fresh starts a new warehouse",
    );
  }
  try {
    const rows = await queryRows<{format: string; source: string}>(
      db.connection,
      "SELECT DISTINCT format, source FROM drops",
      "warehouse source",
    );
    return rows.some((r) => sourceKey(r.format, r.source) !== source);
  } finally {
    closeDatabase(db);
  }
}
