import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {parsePhoneNumberFromString} from "libphonenumber-js/max";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DROP_TABLE_NAMES, contractColumns} from "../lib/drop-contract.js";
import {closeDatabase, openDatabase, queryNumber, queryRows, type Database} from "../lib/duckdb.js";
import {dropAdapter, ingest} from "../lib/ingest.js";
import {generateSample, type SampleResult} from "../lib/sample.js";
import {parseSettings} from "../lib/settings/index.js";

const SLOW = 60_000;

let root: string;
let tiny: SampleResult;
let db: Database;

/** SQL reading one CSV table of a drop folder, every column as text. */
function csv(dir: string, table: string): string {
  return `read_csv('${join(dir, `${table}.csv`)}', header = true, all_varchar = true)`;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "sample-test-"));
  tiny = await generateSample({dir: join(root, "a"), size: "tiny", seed: 7});
  db = await openDatabase(":memory:");
}, SLOW);

afterAll(() => {
  closeDatabase(db);
  rmSync(root, {recursive: true, force: true});
});

describe("generateSample({dir, size: 'tiny'})", () => {
  it("writes the drop folder named by the default as-of date", () => {
    expect(tiny.asOf).toBe("2026-11-30");
    expect(tiny.dir).toBe(join(root, "a", "2026-11-30"));
    expect(tiny.rows.customers).toBeGreaterThan(1950);
    expect(tiny.rows.customers).toBeLessThanOrEqual(2000);
  });

  it("writes every table with exactly the contract's columns, in contract order", () => {
    for (const table of DROP_TABLE_NAMES) {
      const header = readFileSync(join(tiny.dir, `${table}.csv`), "utf8").split("\n", 1)[0];
      expect(header?.split(","), table).toEqual(contractColumns(table));
    }
  });

  it("gives byte-identical files for the same seed, and other files for another seed", async () => {
    const again = await generateSample({dir: join(root, "b"), size: "tiny", seed: 7});
    const other = await generateSample({dir: join(root, "c"), customers: 300, seed: 8});
    for (const table of DROP_TABLE_NAMES) {
      const file = `${table}.csv`;
      expect(readFileSync(join(again.dir, file)).equals(readFileSync(join(tiny.dir, file))), table).toBe(true);
    }
    const phones = (dir: string) => readFileSync(join(dir, "customers.csv"), "utf8").split("\n").slice(1, 50);
    expect(phones(other.dir)).not.toEqual(phones(tiny.dir));
  }, SLOW);

  it("ingests with no rejects", async () => {
    const report = await ingest(db.connection, dropAdapter, tiny.dir, parseSettings({}));
    expect(report.rejectsByReason).toEqual([]);
    expect(report.asOf).toBe("2026-11-30");
    const loaded = Object.fromEntries(report.tables.map((t) => [t.table, t.rowsLoaded]));
    expect(loaded).toEqual(tiny.rows);
  }, SLOW);

  it("has customers in 30 countries with valid, unique E.164 numbers of their country", async () => {
    const rows = await queryRows<{phone: string; country: string}>(
      db.connection,
      `SELECT phone, country FROM ${csv(tiny.dir, "customers")}`,
      "test",
    );
    expect(new Set(rows.map((r) => r.country)).size).toBe(30);
    expect(new Set(rows.map((r) => r.phone)).size).toBe(rows.length);
    const wrong = rows.filter((r) => {
      const parsed = parsePhoneNumberFromString(r.phone);
      return !parsed?.isValid() || parsed.country !== r.country || parsed.number !== r.phone;
    });
    expect(wrong).toEqual([]);
  });

  it("plants coffee machine → coffee beans within 90 days far above the beans base rate", async () => {
    const sql = `
      WITH oi AS (
        SELECT o.customer_id, CAST(o.ordered_at AS TIMESTAMPTZ) AS t, i.sku
        FROM ${csv(tiny.dir, "orders")} o JOIN ${csv(tiny.dir, "order_items")} i USING (order_id)
        WHERE o.status <> 'cancelled'
      ), machine AS (
        SELECT customer_id, min(t) AS t FROM oi WHERE sku = 'COF-MACH-01' GROUP BY 1
      )
      SELECT
        (SELECT avg(CASE WHEN EXISTS (SELECT 1 FROM oi WHERE oi.customer_id = m.customer_id
            AND oi.sku = 'COF-BEAN-1KG' AND oi.t BETWEEN m.t AND m.t + INTERVAL 90 DAY) THEN 1 ELSE 0 END)
         FROM machine m WHERE m.t < TIMESTAMPTZ '2026-09-01') AS confidence,
        (SELECT count(DISTINCT customer_id) FILTER (WHERE sku = 'COF-BEAN-1KG') / count(DISTINCT customer_id)
         FROM oi) AS base_rate`;
    const [row] = await queryRows<{confidence: number; base_rate: number}>(db.connection, sql, "test");
    expect(row!.confidence).toBeGreaterThan(0.7);
    expect(row!.confidence / row!.base_rate).toBeGreaterThan(4);
  });

  it("plants quote opened ≥ 2 times → a purchase within 30 days for most, far more than 1 open", async () => {
    const sql = `
      WITH opens AS (
        SELECT customer_id, CAST("at" AS TIMESTAMPTZ) AS t,
          row_number() OVER (PARTITION BY customer_id ORDER BY "at") AS n,
          count(*) OVER (PARTITION BY customer_id) AS total
        FROM ${csv(tiny.dir, "web_events")} WHERE kind = 'quote_open'
      ), orders AS (
        SELECT customer_id, CAST(ordered_at AS TIMESTAMPTZ) AS t FROM ${csv(tiny.dir, "orders")}
        WHERE status <> 'cancelled'
      ), firsts AS (
        SELECT customer_id, t, CASE WHEN total >= 2 THEN 'two' ELSE 'one' END AS opens,
          EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = q.customer_id
                  AND o.t > q.t AND o.t <= q.t + INTERVAL 30 DAY) AS bought
        FROM opens q WHERE n = least(total, 2) AND t < TIMESTAMPTZ '2026-10-31'
      )
      SELECT opens, count(*) AS customers, avg(CASE WHEN bought THEN 1 ELSE 0 END) AS rate
      FROM firsts GROUP BY opens ORDER BY opens`;
    const rows = await queryRows<{opens: string; customers: number; rate: number}>(db.connection, sql, "test");
    const [one, two] = rows;
    expect(two!.opens).toBe("two");
    expect(two!.customers).toBeGreaterThan(100);
    expect(two!.rate).toBeGreaterThan(0.6);
    expect(two!.rate - one!.rate).toBeGreaterThan(0.2);
  });
});

describe("generateSample({asOf}) of an earlier date", () => {
  it("is the same world cut at that date: same orders, nothing later, refunds only once made", async () => {
    const early = await generateSample({dir: join(root, "a"), size: "tiny", seed: 7, asOf: "2026-10-31"});
    expect(early.dir).toBe(join(root, "a", "2026-10-31"));
    const counts = await queryRows<{early: number; matched: number; later: number; changed: number; refunded_later: number}>(
      db.connection,
      `SELECT count(*) AS early,
         count(*) FILTER (WHERE l.order_id IS NOT NULL AND l.customer_id = e.customer_id
                          AND l.ordered_at = e.ordered_at AND l.amount = e.amount) AS matched,
         count(*) FILTER (WHERE e.ordered_at >= '2026-11-01') AS later,
         count(*) FILTER (WHERE l.status <> e.status) AS changed,
         -- Paid in the early cut, refunded (a row of its own, "R…") only after it.
         (SELECT count(*) FROM ${csv(tiny.dir, "orders")} r
          WHERE r.status = 'refunded' AND r.ordered_at >= '2026-11-01'
            AND 'O' || substr(r.order_id, 2) IN (SELECT order_id FROM ${csv(early.dir, "orders")})) AS refunded_later
       FROM ${csv(early.dir, "orders")} e LEFT JOIN ${csv(tiny.dir, "orders")} l USING (order_id)`,
      "test",
    );
    const row = counts[0]!;
    expect(row.matched).toBe(row.early);
    expect(row.later).toBe(0);
    // A refund never rewrites the paid order (which would count it twice against spend).
    expect(row.changed).toBe(0);
    expect(row.refunded_later).toBeGreaterThan(0);
    expect(early.rows.orders).toBeLessThan(tiny.rows.orders);
    expect(early.rows.customers).toBeLessThan(tiny.rows.customers);
  }, SLOW);
});

describe("generateSample({customers, format: 'parquet'})", () => {
  it("scales rows with the customer count, and Parquet holds the same rows as CSV", async () => {
    const small = await generateSample({dir: join(root, "d"), customers: 500, seed: 7});
    const parquet = await generateSample({dir: join(root, "e"), customers: 500, seed: 7, format: "parquet"});
    expect(parquet.rows).toEqual(small.rows);
    const ratio = tiny.rows.orders / small.rows.orders;
    expect(ratio).toBeGreaterThan(3.2);
    expect(ratio).toBeLessThan(4.8);

    const fresh = await openDatabase(":memory:");
    try {
      const report = await ingest(fresh.connection, dropAdapter, parquet.dir, parseSettings({}));
      expect(report.rejectsByReason).toEqual([]);
      const amount = await queryNumber(fresh.connection, "SELECT sum(amount) FROM orders", "test");
      const expected = await queryNumber(
        db.connection,
        `SELECT sum(CAST(amount AS DECIMAL(18, 2))) FROM ${csv(small.dir, "orders")}`,
        "test",
      );
      expect(amount).toBeCloseTo(expected, 6);
    } finally {
      closeDatabase(fresh);
    }
  }, SLOW);
});

describe("generateSample(options) with bad options", () => {
  it("names the option and its value", async () => {
    await expect(generateSample({dir: root, asOf: "2026-12-31"})).rejects.toThrow(/asOf .* got "2026-12-31"$/);
    await expect(generateSample({dir: root, customers: 0})).rejects.toThrow(/customers .* got 0$/);
    await expect(generateSample({dir: root, size: "huge" as never})).rejects.toThrow(/size .* got "huge"$/);
  });
});
