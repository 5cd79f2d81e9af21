import {existsSync, readdirSync, rmSync} from "node:fs";
import {join, resolve} from "node:path";
import type {Command} from "commander";
import {closeDatabase, openDatabase, type Database} from "../duckdb.js";
import {refreshWarehouse, retagIfSettingsChanged} from "../pipeline.js";
import {stderrLog, type Log} from "../progress.js";
import {loadSettings, type Settings} from "../settings/index.js";
import {latestDrop, warehousePath} from "../warehouse.js";

/** Options every data command accepts. */
export interface DataOptions {
  drop?: string;
  format: string;
  settings?: string;
  warehouse?: string;
  asOf?: string;
  fresh?: boolean;
}

/** Adds --drop, --format, --settings, --warehouse, --as-of and --fresh to a command. */
export function withDataOptions(command: Command): Command {
  return command
    .option("--drop <dir>", "drop folder or export to ingest first (default: the warehouse as it is, else the bundled sample)")
    .option("--format <format>", "input format: drop, online-retail, olist, whatsapp-webhooks, whatsapp-chat", "drop")
    .option("--settings <file>", "settings file (default: tagbook.settings.json if present)")
    .option("--warehouse <file>", "warehouse file (default: data/warehouse.duckdb)")
    .option("--as-of <date>", "as-of date YYYY-MM-DD (default: from the drop's folder name or newest event)")
    .option("--fresh", "start from an empty warehouse");
}

/** Where the bundled sample drops are generated. */
export const SAMPLE_DIR = "data/sample";

/**
 * The bundled sample's drop folders, oldest first, generating them when any is missing or
 * incomplete (an interrupted generation leaves a folder without its files).
 */
export async function sampleDrops(log: Log): Promise<string[]> {
  const {SAMPLE_AS_OF, generateSampleDrops} = await import("../sample-drops.js");
  const folders = SAMPLE_AS_OF.map((asOf) => join(SAMPLE_DIR, asOf));
  const complete = (dir: string) =>
    existsSync(dir) && readdirSync(dir).some((f) => f.startsWith("customers")) &&
    readdirSync(dir).some((f) => f.startsWith("orders"));
  if (!folders.every(complete)) {
    rmSync(SAMPLE_DIR, {recursive: true, force: true});
    await generateSampleDrops(SAMPLE_DIR, log);
  }
  return folders;
}

/**
 * Makes the warehouse hold the drop a command should report on, and returns its settings, path
 * and as-of date. With --drop, that drop is ingested; without it, the warehouse is used as it is,
 * and an empty warehouse gets the bundled sample drops.
 */
export async function prepareWarehouse(
  options: DataOptions,
  name: string,
): Promise<{settings: Settings; warehouse: string; asOf: string; log: Log}> {
  const log = stderrLog(name);
  const settings = loadSettings(options.settings);
  const warehouse = resolve(warehousePath(options.warehouse));
  const refresh = (drop: string, format: string, fresh?: boolean) =>
    refreshWarehouse({drop, format, warehouse, settings, asOf: options.asOf, fresh, log});

  if (options.drop) {
    await refresh(options.drop, options.format, options.fresh);
  } else if (options.fresh || !(await latestAsOf(warehouse))) {
    const drops = await sampleDrops(log);
    for (const [i, drop] of drops.entries()) await refresh(drop, "drop", i === 0);
  }
  // Tags made under other settings (an edited settings file) are recomputed, never shown stale.
  if (existsSync(warehouse)) await retagIfSettingsChanged(warehouse, settings, log);
  const asOf = await latestAsOf(warehouse);
  if (!asOf) throw new Error(`${name}: the warehouse ${warehouse} holds no drop`);
  return {settings, warehouse, asOf, log};
}

async function latestAsOf(warehouse: string): Promise<string | undefined> {
  if (!existsSync(warehouse)) return undefined;
  let db: Database | undefined;
  try {
    db = await openDatabase(warehouse, true);
    return (await latestDrop(db.connection))?.asOf;
  } catch {
    return undefined;
  } finally {
    if (db) closeDatabase(db);
  }
}

/** Opens the warehouse read-only for a command's query, closing it afterwards. */
export async function withWarehouse<T>(warehouse: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(warehouse, true);
  try {
    return await work(db);
  } finally {
    closeDatabase(db);
  }
}
