/**
 * Seeded sample drops: a realistic world of a WhatsApp seller's customers, orders, messages and
 * web events, generated inside DuckDB and written as one drop folder per as-of date.
 *
 * The world is fixed by the seed and the customer count: it runs from 2024-12-01 to 2026-11-30
 * (local days) and an as-of date only cuts it (events after the as-of day are left out, statuses
 * and read receipts that came later are not known yet), so two drops of one seed differ exactly
 * as two monthly exports of one shop would. What is planted in the world, and where, is listed in
 * the table at the top of lib/sample/world.ts.
 *
 * Money: every order is in one shop currency, USD, whatever the customer's country, so spend,
 * tiers and region tables compare without a rates table (a seller who prices in one currency and
 * ships abroad). Timestamps in CSV are ISO-8601 UTC with "Z"; amounts have two decimals. Parquet
 * drops carry the same values typed (TIMESTAMPTZ, DECIMAL(12,2), INTEGER).
 */
import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {DROP_TABLE_NAMES, type DropTable} from "./drop-contract.js";
import {closeDatabase, openDatabase, queryNumber, run, sqlString} from "./duckdb.js";
import {describeValue} from "./describe-value.js";
import {SHOP_CURRENCY, messagesSql, referenceSteps, webEventsSql, worldSteps} from "./sample/world.js";

export type SampleSize = "tiny" | "small" | "medium" | "large";

/**
 * Customers per size. "tiny" is the bundled sample; "large" is the benchmark scale. Measured on a
 * shared 2-core machine (seed 1, CSV, default as-of):
 *
 * | size   | customers | orders | order_items | messages | web_events | time    | peak RSS |
 * |--------|-----------|--------|-------------|----------|------------|---------|----------|
 * | tiny   | 2,000     | 15,225 | 23,076      | 54,794   | 23,627     | 1–2 s   | –        |
 * | small  | 10,000    | 78,112 | 119,161     | 280,513  | 119,434    | 6 s     | 0.45 GB  |
 * | medium | 100,000   | 768,640| 1,176,744   | 2,812,603| 1,198,555  | 46 s    | 2.3 GB   |
 * | large  | 1,000,000 | 7.67M  | 11.7M       | 28.1M    | 12.0M      | 11 min  | 2.5 GB   |
 */
export const SAMPLE_SIZES: Record<SampleSize, number> = {
  tiny: 2_000,
  small: 10_000,
  medium: 100_000,
  large: 1_000_000,
};

/** The as-of date of a sample drop when none is given: the last day of the world. */
export const DEFAULT_SAMPLE_AS_OF = "2026-11-30";

/** The earliest as-of date accepted: one month into the world, so a drop is never empty. */
export const EARLIEST_SAMPLE_AS_OF = "2025-01-01";

/** The most customers a world can hold: phone numbers are unique up to here (see reference.ts). */
export const MAX_SAMPLE_CUSTOMERS = 1_000_000;

export interface SampleOptions {
  /** Folder the drop folder `<asOf>/` is written into (created when missing). */
  dir: string;
  /** Customer count preset; default "tiny". */
  size?: SampleSize;
  /** Customer count, overriding `size` (1 to 1,000,000). */
  customers?: number;
  /** Seed of every random draw; default 1. */
  seed?: number;
  /** As-of date, YYYY-MM-DD, from 2025-01-01 to 2026-11-30; default 2026-11-30. */
  asOf?: string;
  /** File format; default "csv". */
  format?: "csv" | "parquet";
}

export interface SampleResult {
  /** The drop folder written: `<dir>/<asOf>`. */
  dir: string;
  asOf: string;
  /** Rows written per table. */
  rows: Record<DropTable, number>;
}

/**
 * Writes a seeded sample drop folder `<dir>/<asOf>/` with customers, orders, order_items,
 * messages and web_events files in the drop contract's columns.
 *
 * Generation is SQL inside one in-memory DuckDB database (range(), hash-based draws, COPY), with
 * a 1.5 GB memory limit and spilling to a temporary folder, so the large size (1M customers, about
 * 10M orders and 30M messages) runs in minutes. The same options give byte-identical files. Table
 * files of the other format left in the folder are removed, so a folder never holds both.
 *
 * @throws RangeError naming the option and its value when an option is out of range.
 * @example await generateSample({dir: "data/sample", size: "tiny", asOf: "2026-10-31"})
 *   // → {dir: "data/sample/2026-10-31", asOf: "2026-10-31", rows: {customers: 1952, …}}
 */
export async function generateSample(options: SampleOptions): Promise<SampleResult> {
  const {customers, seed, asOf, format} = checkSampleOptions(options);
  const dir = join(options.dir, asOf);
  mkdirSync(dir, {recursive: true});
  for (const table of DROP_TABLE_NAMES) {
    for (const ext of ["csv", "parquet"]) rmSync(join(dir, `${table}.${ext}`), {force: true});
  }

  const scratch = mkdtempSync(join(tmpdir(), "tagbook-sample-"));
  // A scratch database file rather than ":memory:": the world's tables can then leave memory when
  // the large size's sorts need it, which keeps the process under about 3 GB.
  const db = await openDatabase(join(scratch, "world.duckdb"));
  try {
    const {connection} = db;
    await run(connection, `SET memory_limit = '1536MB'`, "generateSample");
    await run(connection, `SET temp_directory = ${sqlString(scratch)}`, "generateSample");
    await run(connection, "SET preserve_insertion_order = true", "generateSample");
    for (const step of [...referenceSteps(seed), ...worldSteps(customers, seed)]) {
      await run(connection, step.sql, step.label);
    }

    const rows = {} as Record<DropTable, number>;
    for (const table of DROP_TABLE_NAMES) {
      const path = resolve(dir, `${table}.${format}`);
      // The output is sorted into a table, then copied. Messages and web events (tens of millions
      // of rows at the large size) are first stored unsorted, then sorted a quarter at a time and
      // appended in order: one sort of them all ran out of memory.
      const label = `generateSample: ${table}`;
      const events = EVENT_TABLES[table];
      if (events) await run(connection, `CREATE OR REPLACE TABLE ${events.raw} AS ${events.sql()}`, label);
      const slices: (string | undefined)[] = events ? quarterStarts() : [undefined];
      for (const [i, start] of slices.entries()) {
        const slice = start && events ? `${events.at} >= TIMESTAMPTZ '${start} 00:00:00+00' AND ${events.at} < TIMESTAMPTZ '${start} 00:00:00+00' + INTERVAL 3 MONTH` : "true";
        const select = outputSql(table, asOf, format === "csv", slice);
        const sql = i === 0 ? `CREATE OR REPLACE TABLE out_${table} AS ${select}` : `INSERT INTO out_${table} ${select}`;
        await run(connection, sql, label);
      }
      if (events) await run(connection, `DROP TABLE ${events.raw}`, label);
      const copy = `COPY out_${table} TO ${sqlString(path)} (${
        format === "csv" ? "FORMAT csv, HEADER true" : "FORMAT parquet, COMPRESSION zstd"
      })`;
      // COPY answers with the number of rows it wrote.
      rows[table] = await queryNumber(connection, copy, `generateSample: ${table}`);
      await run(connection, `DROP TABLE out_${table}`, `generateSample: ${table}`);
    }
    return {dir, asOf, rows};
  } finally {
    closeDatabase(db);
    rmSync(scratch, {recursive: true, force: true});
  }
}

interface CheckedOptions {
  customers: number;
  seed: number;
  asOf: string;
  format: "csv" | "parquet";
}

function checkSampleOptions(options: SampleOptions): CheckedOptions {
  const size = options.size ?? "tiny";
  if (!(size in SAMPLE_SIZES)) {
    throw new RangeError(
      `generateSample: size must be tiny, small, medium or large, got ${describeValue(size)}`,
    );
  }
  const customers = options.customers ?? SAMPLE_SIZES[size];
  if (!Number.isInteger(customers) || customers < 1 || customers > MAX_SAMPLE_CUSTOMERS) {
    throw new RangeError(
      `generateSample: customers must be a whole number from 1 to ${MAX_SAMPLE_CUSTOMERS}, got ${describeValue(customers)}`,
    );
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`generateSample: seed must be a whole number ≥ 0, got ${describeValue(seed)}`);
  }
  const asOf = options.asOf ?? DEFAULT_SAMPLE_AS_OF;
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? new Date(`${asOf}T00:00:00Z`) : undefined;
  if (
    !parsed ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== asOf ||
    asOf < EARLIEST_SAMPLE_AS_OF ||
    asOf > DEFAULT_SAMPLE_AS_OF
  ) {
    throw new RangeError(
      `generateSample: asOf must be a date YYYY-MM-DD from ${EARLIEST_SAMPLE_AS_OF} to ${DEFAULT_SAMPLE_AS_OF}, got ${describeValue(asOf)}`,
    );
  }
  const format = options.format ?? "csv";
  if (format !== "csv" && format !== "parquet") {
    throw new RangeError(`generateSample: format must be csv or parquet, got ${describeValue(format)}`);
  }
  return {customers, seed, asOf, format};
}

/**
 * The SELECT that writes one table of the drop cut at the end of `asOf` (UTC), in contract column
 * order. Text output formats instants and money itself, so CSV bytes never depend on DuckDB's
 * default formatting.
 */
/** The big event tables: stored unsorted in `raw`, then sorted by `at` a quarter at a time. */
const EVENT_TABLES: Partial<Record<DropTable, {raw: string; at: string; sql: () => string}>> = {
  messages: {raw: "s_msg", at: "m.sent_at", sql: messagesSql},
  web_events: {raw: "s_web", at: 'w."at"', sql: webEventsSql},
};

/** First days of the quarters that can hold events of the world (it starts 2024-12-01 local). */
function quarterStarts(): string[] {
  const starts: string[] = [];
  for (let year = 2024; year <= 2026; year++) {
    for (const month of ["01", "04", "07", "10"]) starts.push(`${year}-${month}-01`);
  }
  return starts.filter((s) => s >= "2024-10-01");
}

function outputSql(table: DropTable, asOf: string, text: boolean, slice = "true"): string {
  const cutoff = `(TIMESTAMPTZ '${asOf} 00:00:00+00' + INTERVAL 1 DAY)`;
  const ts = (x: string) => (text ? `strftime(timezone('UTC', ${x}), '%Y-%m-%dT%H:%M:%SZ')` : x);
  const known = (x: string) => ts(`CASE WHEN ${x} < ${cutoff} THEN ${x} END`);
  const money = (x: string) =>
    text ? `CAST(CAST(${x} AS DECIMAL(12, 2)) AS VARCHAR)` : `CAST(${x} AS DECIMAL(12, 2))`;
  // Columns are selected in contract order (lib/drop-contract.ts); the tests check the headers.
  switch (table) {
    case "customers":
      return `
        SELECT customer_id, phone, name, country, time_zone_col AS time_zone, language_col AS language,
          source, ${ts("at_utc(fs, z.off_s)")} AS first_seen_at, opted_in, region, postcode
        FROM s_cust c JOIN s_zone_offset z ON z.zone = c.zone AND z.day = CAST(floor(c.fs) AS INTEGER)
        WHERE at_utc(fs, z.off_s) < ${cutoff} ORDER BY cid`;
    case "orders":
      // A refunded order stays paid, and its refund is a row of its own ("R…", status refunded,
      // dated when it was refunded), as the drop contract has it: net spend is paid − refunded.
      return `
        SELECT order_id, customer_id, ${ts("ordered_at")} AS ordered_at, ${money("amount")} AS amount,
          '${SHOP_CURRENCY}' AS currency, status
        FROM (
          SELECT o.order_id, c.customer_id, o.ordered_at, o.amount,
            CASE WHEN o.final_status = 'refunded' THEN 'paid' ELSE o.final_status END AS status
          FROM s_orders o JOIN s_cust c USING (cid)
          WHERE o.ordered_at < ${cutoff}
          UNION ALL
          SELECT 'R' || substr(o.order_id, 2), c.customer_id, o.refunded_at, o.amount, 'refunded'
          FROM s_orders o JOIN s_cust c USING (cid)
          WHERE o.final_status = 'refunded' AND o.refunded_at < ${cutoff})
        ORDER BY ordered_at, order_id`;
    case "order_items":
      return `
        SELECT o.order_id, i.sku, p.product, p.category, CAST(i.quantity AS INTEGER) AS quantity,
          ${money("p.price")} AS unit_price
        FROM s_items i JOIN s_orders o USING (cid, okey) JOIN s_product p USING (sku)
        WHERE o.ordered_at < ${cutoff} ORDER BY o.ordered_at, o.order_id, i.line`;
    case "messages":
      return `
        SELECT m.message_id, c.customer_id, m.direction, ${ts("m.sent_at")} AS sent_at,
          ${known("m.delivered_at")} AS delivered_at, ${known("m.read_at")} AS read_at,
          ${known("m.failed_at")} AS failed_at, m.text, m.campaign_id, m.category,
          CASE WHEN m.failed_at < ${cutoff} THEN m.error_code END AS error_code
        FROM s_msg m JOIN s_cust c USING (cid)
        WHERE m.sent_at < ${cutoff} AND ${slice} ORDER BY m.sent_at, m.message_id`;
    case "web_events":
      return `
        SELECT w.customer_id, ${ts('w."at"')} AS "at", w.kind, w.sku, ${money("w.price")} AS price,
          CAST(w.duration_s AS INTEGER) AS duration_s
        FROM s_web w
        WHERE w."at" < ${cutoff} AND ${slice} ORDER BY w."at", w.customer_id, w.kind, w.sku, w.duration_s`;
  }
}
