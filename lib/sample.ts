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

/** Customers per size. "tiny" is the bundled sample; "large" is the benchmark scale. */
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
      const select = outputSql(table, asOf, format === "csv");
      const copy = `COPY (${select}) TO ${sqlString(path)} (${
        format === "csv" ? "FORMAT csv, HEADER true" : "FORMAT parquet, COMPRESSION zstd"
      })`;
      // COPY answers with the number of rows it wrote.
      rows[table] = await queryNumber(connection, copy, `generateSample: ${table}`);
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
function outputSql(table: DropTable, asOf: string, text: boolean): string {
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
      return `
        SELECT o.order_id, c.customer_id, ${ts("o.ordered_at")} AS ordered_at, ${money("o.amount")} AS amount,
          '${SHOP_CURRENCY}' AS currency,
          CASE WHEN o.final_status = 'refunded' AND o.refunded_at >= ${cutoff} THEN 'paid' ELSE o.final_status END AS status
        FROM s_orders o JOIN s_cust c USING (cid)
        WHERE o.ordered_at < ${cutoff} ORDER BY o.ordered_at, o.order_id`;
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
        FROM (${messagesSql()}) m JOIN s_cust c USING (cid)
        WHERE m.sent_at < ${cutoff} ORDER BY m.sent_at, m.message_id`;
    case "web_events":
      return `
        SELECT w.customer_id, ${ts('w."at"')} AS "at", w.kind, w.sku, ${money("w.price")} AS price,
          CAST(w.duration_s AS INTEGER) AS duration_s
        FROM (${webEventsSql()}) w
        WHERE w."at" < ${cutoff} ORDER BY w."at", w.customer_id, w.kind, w.sku, w.duration_s`;
  }
}
