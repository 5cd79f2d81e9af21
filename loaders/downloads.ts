import {createWriteStream, mkdirSync, rmSync} from "node:fs";
import {dirname, join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {colourListSql, hasColourHistory} from "../lib/colours/lists.js";
import {closeDatabase, openDatabase} from "../lib/duckdb.js";
import {writeQueryTo, type ExportFormat} from "../lib/export.js";
import {prepareProducts, productListSql, type ProductList} from "../lib/products/lists.js";
import {stderrLog} from "../lib/progress.js";
import {segmentCatalogue} from "../lib/segments/registry.js";
import {segmentRowsSql, segmentsAsOf} from "../lib/segments/build.js";
import {loadSettings, type Settings} from "../lib/settings/index.js";
import {tagRowsSql} from "../lib/tags/index.js";
import {ensureTierSchema} from "../lib/tiers/compute.js";
import {latestDrop, warehousePath} from "../lib/warehouse.js";
import {movesSql, nudgesSql, previousTierAsOf, promisingSql} from "./spend.js";

/** Where the per-customer downloads are written, inside the site's source root. */
export const DOWNLOADS_DIR = "src/downloads";

interface Download {
  /** Path under src/downloads/, as the pages link it. */
  path: string;
  format: ExportFormat;
  /** Prepares whatever temp tables the SQL reads; returns the SQL, or undefined to skip. */
  sql: (connection: DuckDBConnection, asOf: string, settings: Settings) => Promise<string | undefined>;
}

function productList(list: ProductList): Download {
  return {
    path: `${list}.csv`,
    format: "csv",
    async sql(connection, asOf, settings) {
      await prepareProducts(connection, asOf, settings);
      return productListSql(list, asOf, settings);
    },
  };
}

function colourList(path: string, tag: string): Download {
  return {
    path,
    format: "csv",
    async sql(connection, asOf, settings) {
      if (!(await hasColourHistory(connection))) return undefined;
      // With contacts kept out of the built site, the red lists carry ids only (the CLI exports the rest).
      const columns = settings.segments.contactsInSite ? "*" : "* EXCLUDE (name, phone)";
      return `SELECT ${columns} FROM (${colourListSql(asOf, tag)})`;
    },
  };
}

function tierList(path: string, sqlFor: (asOf: string, previous: string | null, settings: Settings) => string): Download {
  return {
    path,
    format: "csv",
    async sql(connection, asOf, settings) {
      await ensureTierSchema(connection, true);
      return sqlFor(asOf, await previousTierAsOf({connection, asOf}), settings);
    },
  };
}

function segmentList(segment: string | undefined, format: ExportFormat): Download {
  return {
    path: segment ? `segments/${segment}.${format}` : `segments-all.${format}`,
    format,
    async sql(connection, asOf, settings) {
      await segmentsAsOf(connection, asOf, settings);
      return segmentRowsSql(segment, settings.segments.contactsInSite);
    },
  };
}

/** Every per-customer download the pages link to. */
export function downloads(settings: Settings): Download[] {
  const segments = segmentCatalogue(settings).map((d) => d.name);
  return [
    // Parquet only: every customer's tags as CSV is about 1 KB a customer (12 MB at 10,000),
    // too heavy to host; `tagbook tags --out tags.csv` writes the CSV.
    {path: "tags.parquet", format: "parquet", sql: async (_connection, asOf, s) => tagRowsSql(asOf, !s.segments.contactsInSite)},
    tierList("nudges.csv", (asOf, _previous, s) => nudgesSql(asOf, s)),
    tierList("promising.csv", (asOf, _previous, s) => promisingSql(asOf, s)),
    tierList("tier-moves.csv", (asOf, previous) => movesSql(asOf, previous)),
    productList("cross-sell"),
    productList("reorder"),
    productList("seasonal"),
    productList("researched"),
    colourList("follow-up-red.csv", "red"),
    colourList("follow-up-held.csv", "held back"),
    ...segments.flatMap((name) => [segmentList(name, "csv"), segmentList(name, "parquet")]),
    segmentList(undefined, "csv"),
    segmentList(undefined, "parquet"),
  ];
}

/**
 * Writes every download of the newest drop into src/downloads/ in one process, before the site
 * build. They are plain files to Framework, which copies the ones the pages link to; as loaders,
 * each would start its own process and redo its list's preparation (one process costs about a
 * second, and the site has over thirty downloads).
 */
export async function writeDownloads(dir = DOWNLOADS_DIR): Promise<number> {
  const log = stderrLog("downloads");
  const db = await openDatabase(warehousePath(), true);
  try {
    const drop = await latestDrop(db.connection);
    if (!drop) throw new Error(`downloads: the warehouse ${warehousePath()} holds no drop; run tagbook build first`);
    const settings = loadSettings();
    rmSync(dir, {recursive: true, force: true});
    let files = 0;
    for (const download of downloads(settings)) {
      const sql = await download.sql(db.connection, drop.asOf, settings);
      if (!sql) continue;
      const file = join(dir, download.path);
      mkdirSync(dirname(file), {recursive: true});
      const rows = await writeQueryTo(db.connection, sql, download.format, createWriteStream(file), download.path);
      log(`${download.path}: ${rows} rows`);
      files += 1;
    }
    return files;
  } finally {
    closeDatabase(db);
  }
}

if (process.argv[1]?.endsWith("downloads.ts")) await writeDownloads();
