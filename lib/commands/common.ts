import {existsSync, readdirSync, rmSync, statSync} from "node:fs";
import {extname, join, resolve} from "node:path";
import type {Command} from "commander";
import {DateTime} from "luxon";
import {ADAPTERS} from "../adapters/index.js";
import {closeDatabase, openDatabase, queryRows, type Database} from "../duckdb.js";
import {asOfFromPath, tableForFile} from "../ingest.js";
import {refreshWarehouse, retagIfSettingsChanged} from "../pipeline.js";
import {stderrLog, type Log} from "../progress.js";
import {loadSettings, type Settings} from "../settings/index.js";
import {warehousePath} from "../warehouse.js";

/** Options every data command accepts. */
export interface DataOptions {
  drop?: string;
  /** Undefined when not given, so a drop that needs a format can say so (the default is "drop"). */
  format?: string;
  settings?: string;
  warehouse?: string;
  asOf?: string;
  fresh?: boolean;
}

/** Adds --drop, --format, --settings, --warehouse, --as-of and --fresh to a command. */
export function withDataOptions(command: Command): Command {
  return command
    .option("--drop <dir>", "drop folder or export to ingest first (default: the warehouse as it is, else the bundled sample)")
    .option("--format <format>", `how to read --drop: ${Object.keys(ADAPTERS).join(", ")} (default: drop)`)
    .option("--settings <file>", "settings file (default: tagbook.settings.json if present)")
    .option("--warehouse <file>", "warehouse file (default: data/warehouse.duckdb)")
    .option(
      "--as-of <date>",
      "as-of date YYYY-MM-DD: with --drop, the drop's date (default: its folder name or newest event); " +
        "without, report on the warehouse's drop of that date (default: the newest)",
      parseAsOf,
    )
    .option("--fresh", "start from an empty warehouse");
}

/**
 * An --as-of value, checked to be a real calendar date written YYYY-MM-DD. Used as the option's
 * parser, so a bad date stops the command before anything is read: left to DuckDB, "2025-13-45"
 * fails deep in the ingest with the SQL printed, and "2025/12/15" is silently read as a date.
 *
 * @throws Error naming the option, the value and the expected form.
 */
export function parseAsOf(value: string): string {
  const expected = "expected a calendar date YYYY-MM-DD, such as 2026-11-30";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new Error(`--as-of ${JSON.stringify(value)}: ${expected}`);
  if (DateTime.fromFormat(value, "yyyy-MM-dd", {zone: "utc"}).isValid) return value;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const why = month < 1 || month > 12
    ? `month ${month} does not exist`
    : `${match[1]}-${match[2]} has ${DateTime.utc(year, month).daysInMonth} days`;
  throw new Error(`--as-of ${JSON.stringify(value)}: ${why}; ${expected}`);
}

/**
 * The format to read a drop with. An explicit --format is taken as given (the adapter names an
 * unknown one). Without it the drop must be a drop folder; anything else (a UCI CSV, an Olist
 * folder, a chat export) would fail inside the drop reader with "not a folder" or "no table
 * files", which does not tell a new user that --format exists, so it stops here instead with the
 * formats and an example command.
 *
 * @param where How the user gave the path ("--drop X" or just "X"), for the message.
 * @param example The command line before the path, for the example ("tagbook build --drop").
 */
export function dropFormat(drop: string, format: string | undefined, where: string, example: string): string {
  if (format !== undefined) return format;
  // A missing path is named by the reader ("no such file or folder"), with or without a format.
  if (!existsSync(drop)) return "drop";
  const folder = statSync(drop).isDirectory();
  const entries = folder ? readdirSync(drop) : [];
  if (folder && entries.some((name) => tableForFile(name) !== undefined)) return "drop";

  const dated = entries.filter((name) => asOfFromPath(name) && statSync(join(drop, name), {throwIfNoEntry: false})?.isDirectory()).sort();
  if (dated.length > 0) {
    throw new Error(
      `${where} holds drop folders ${dated.join(", ")}, not a drop: pass one of them, such as ` +
        `${example} ${join(drop, dated.at(-1)!)}`,
    );
  }
  const guess = guessFormat(drop, folder, entries);
  const formats = Object.entries(ADAPTERS).map(([name, adapter]) => `  ${name}: ${adapter.description}`);
  throw new Error(
    `${where} ${folder ? "has no drop table files (customers.csv, orders.csv…)" : "is a file, not a drop folder"}, ` +
      `and no --format says what kind of export it is. --format is one of:\n${formats.join("\n")}\n` +
      `for example, if it is ${/^[aeiou]/.test(guess) ? "an" : "a"} ${guess} export: ${example} ${drop} --format ${guess}`,
  );
}

/** The likeliest export format of a path that is not a drop folder, only for an example command. */
function guessFormat(path: string, folder: boolean, entries: string[]): string {
  const extensions = (folder ? entries : [path]).map((name) => extname(name).toLowerCase());
  if (folder && entries.some((name) => name.startsWith("olist_"))) return "olist";
  if (extensions.includes(".txt")) return "whatsapp-chat";
  if (extensions.some((ext) => ext === ".json" || ext === ".jsonl")) return "whatsapp-webhooks";
  return "online-retail";
}

/**
 * Checks a --out file's extension before any work, so a typo such as .xlsx stops the command at
 * once instead of after the ingest and the analysis (writeQuery would only find it at the end).
 *
 * @param allowed The extensions this command writes; the error lists them.
 */
export function checkOut(out: string | undefined, allowed: string[] = [".csv", ".parquet", ".json"]): void {
  if (out === undefined) return;
  const ext = extname(out).toLowerCase();
  if (!allowed.includes(ext)) {
    const list = `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
    throw new Error(`--out ${out}: unknown extension ${JSON.stringify(ext)}; use ${list}`);
  }
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
 *
 * The as-of date reported on is --as-of when given (with --drop it is the ingested drop's date;
 * without, it picks an earlier drop the warehouse holds), else the newest drop's. A date the
 * warehouse holds no drop of stops the command listing the dates it does hold, rather than
 * reporting on another date than the one asked for.
 */
export async function prepareWarehouse(
  options: DataOptions,
  name: string,
): Promise<{settings: Settings; warehouse: string; asOf: string; log: Log}> {
  // Options that only say how to read --drop would otherwise be ignored without a word.
  if (options.format !== undefined && !options.drop) {
    throw new Error(`${name}: --format ${JSON.stringify(options.format)} says how to read --drop, but no --drop was given`);
  }
  const format = options.drop ? dropFormat(options.drop, options.format, `--drop ${options.drop}`, `tagbook ${name} --drop`) : "drop";
  const log = stderrLog(name);
  const settings = loadSettings(options.settings);
  const warehouse = resolve(warehousePath(options.warehouse));
  const refresh = (drop: string, format: string, asOf: string | undefined, fresh?: boolean) =>
    refreshWarehouse({drop, format, warehouse, settings, asOf, fresh, log});

  if (options.drop) {
    await refresh(options.drop, format, options.asOf, options.fresh);
  } else if (options.fresh || (await heldAsOfs(warehouse)).length === 0) {
    // The sample's drops keep their own dates: --as-of here picks one of them, never renames both.
    const drops = await sampleDrops(log);
    for (const [i, drop] of drops.entries()) await refresh(drop, "drop", undefined, i === 0);
  }
  // Tags made under other settings (an edited settings file) are recomputed, never shown stale.
  if (existsSync(warehouse)) await retagIfSettingsChanged(warehouse, settings, log);
  const held = await heldAsOfs(warehouse);
  const latestAsOf = held.at(-1);
  if (!latestAsOf) throw new Error(`${name}: the warehouse ${warehouse} holds no drop`);
  const asOf = options.asOf ?? latestAsOf;
  if (!held.includes(asOf)) {
    throw new Error(
      `${name}: --as-of ${asOf}: the warehouse ${warehouse} holds no drop as of that date; it holds drops as of ` +
        `${held.join(", ")}. Pick one of those, or ingest a drop of that date with --drop DIR --as-of ${asOf}`,
    );
  }
  return {settings, warehouse, asOf, log};
}

/** The as-of dates of the warehouse's drops, oldest first; none for a missing or unreadable file. */
async function heldAsOfs(warehouse: string): Promise<string[]> {
  if (!existsSync(warehouse)) return [];
  let db: Database | undefined;
  try {
    db = await openDatabase(warehouse, true);
    const rows = await queryRows<{as_of: string}>(
      db.connection,
      "SELECT DISTINCT strftime(as_of, '%Y-%m-%d') AS as_of FROM drops ORDER BY 1",
      "warehouse drops",
    );
    return rows.map((r) => r.as_of);
  } catch {
    return [];
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
