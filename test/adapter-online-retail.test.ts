import {existsSync} from "node:fs";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {onlineRetailAdapter} from "../lib/adapters/online-retail.js";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";
import {realdata} from "./helpers/realdata.js";

const FIXTURES = "test/fixtures/adapters/online-retail";
const REALDATA = realdata("uci-online-retail");

/** Real exports are optional locally but required in CI, where a missing folder must fail. */
const realdataMissing = !existsSync(REALDATA);
const describeReal = describe.skipIf(realdataMissing && !process.env.CI);

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

async function load(input: string) {
  db = await openDatabase(":memory:");
  const report = await ingest(db.connection, onlineRetailAdapter, input, parseSettings({}));
  const q = <T = Record<string, unknown>>(sql: string) => queryRows<T>(db!.connection, sql, "test");
  return {report, q};
}

describe("online-retail adapter, hand-checked file", () => {
  it("turns invoices into orders, refunds and items; rejects rows with no customer", async () => {
    const {report, q} = await load(join(FIXTURES, "small.csv"));

    expect(report.files).toEqual([{file: "small.csv", table: "orders", rows: 8}]);
    expect(await q("SELECT line, \"column\", value, reason FROM rejects ORDER BY line")).toEqual([
      {line: 6, column: "CustomerID", value: "NA", reason: "no customer id"},
      {line: 9, column: "CustomerID", value: null, reason: "no customer id"},
    ]);
    expect(
      await q(`SELECT order_id, customer_id, ordered_at, CAST(amount AS VARCHAR) AS amount,
        currency,
                 status FROM orders ORDER BY order_id`),
    ).toEqual([
      // GMT in December, BST (+01:00) in June and July.
      {order_id: "536365", customer_id: "17850", ordered_at: "2010-12-01T08:26:00.000Z",
        amount: "33.3000", currency: "GBP", status: "paid"},
      {order_id: "536366", customer_id: "12583", ordered_at: "2011-06-01T08:00:00.000Z",
        amount: "11.1000", currency: "GBP", status: "paid"},
      {order_id: "536369", customer_id: "12347", ordered_at: "2011-07-01T11:00:00.000Z",
        amount: "17.0000", currency: "GBP", status: "paid"},
      {order_id: "536369-R", customer_id: "12347", ordered_at: "2011-07-01T11:00:00.000Z",
        amount: "4.2500", currency: "GBP", status: "refunded"},
      {order_id: "C536367", customer_id: "12583", ordered_at: "2011-06-02T09:00:00.000Z",
        amount: "3.7000", currency: "GBP", status: "refunded"},
    ]);
    // POST is not a product: it is in 536365's amount but not among its items.
    expect(
      await q(`SELECT order_id, sku, product, quantity, unit_price FROM order_items
               ORDER BY order_id`),
    ).toEqual([
      {order_id: "536365", sku: "85123A", product: "WHITE HANGING HEART", quantity: 6,
        unit_price: 2.55},
      {order_id: "536366", sku: "22633", product: "HAND WARMER UNION JACK", quantity: 6,
        unit_price: 1.85},
      {order_id: "536369", sku: "21730", product: "GLASS STAR FROSTED T-LIGHT HOLDER", quantity: 4,
        unit_price: 4.25},
      {order_id: "536369-R", sku: "21730", product: "GLASS STAR FROSTED T-LIGHT HOLDER",
        quantity: 1,
        unit_price: 4.25},
      {order_id: "C536367", sku: "22633", product: "HAND WARMER UNION JACK", quantity: 2,
        unit_price: 1.85},
    ]);
    expect(await q("SELECT customer_id, country FROM customers ORDER BY customer_id")).toEqual([
      {customer_id: "12347", country: null},
      {customer_id: "12583", country: "IE"},
      {customer_id: "17850", country: "GB"},
    ]);
  });

  it("reads a folder holding an unquoted LF file and a quoted CRLF file", async () => {
    const {report, q} = await load(FIXTURES);

    expect(report.files.map((f) => [f.file, f.rows])).toEqual([
      ["small-quoted-crlf.csv", 2],
      ["small.csv", 8],
    ]);
    expect(await q("SELECT count(*) AS n FROM orders")).toEqual([{n: 6}]);
    expect(
      await q(`SELECT ordered_at, CAST(amount AS VARCHAR) AS a FROM orders
               WHERE order_id = '536371'`),
    ).toEqual([{ordered_at: "2011-12-09T12:50:00.000Z", a: "6.9000"}]);
    expect(await q("SELECT sku, product FROM order_items WHERE order_id = '536371'")).toEqual([
      {sku: "22086", product: "PAPER CHAIN KIT 50'S CHRISTMAS"},
    ]);
    expect(report.asOf).toBe("2011-12-09");
  });
});

describeReal("online-retail adapter, real UCI samples", () => {
  it("finds the real export folder", () => {
    expect(realdataMissing, `${REALDATA} is missing`).toBe(false);
  });

  it("reads the first-week 10k file (LF, unquoted, float CustomerID)", async () => {
    const {report, q} = await load(join(REALDATA, "online_retail_first_week_clean_10k.csv"));

    expect(report.files[0]!.rows).toBe(10000);
    expect(report.rejectsByReason).toEqual([]);
    expect(await q(`SELECT count(*) AS orders,
      count(*) FILTER (WHERE status = 'refunded') AS refunds,
                      CAST(sum(amount) AS VARCHAR) AS sales FROM orders`)).toEqual([
      {orders: 521, refunds: 0, sales: "193542.6900"},
    ]);
    expect(await q("SELECT count(*) AS n FROM customers")).toEqual([{n: 390}]);
    expect(await q("SELECT count(*) AS n FROM order_items")).toEqual([{n: 9960}]);
    expect(
      await q(`SELECT customer_id, ordered_at, CAST(amount AS VARCHAR) AS amount FROM orders
               WHERE order_id = '537224'`),
    ).toEqual([{customer_id: "13174", ordered_at: "2010-12-05T16:24:00.000Z",
      amount: "1415.9700"}]);
  });

  it("reads the random 20k file (CRLF, quoted, NA ids, cancellations)", async () => {
    const {report, q} = await load(join(REALDATA, "online_retail_random_rows_20k.csv"));

    expect(report.files[0]!.rows).toBe(20000);
    expect(report.rejectsByReason).toEqual([
      {file: "online_retail_random_rows_20k.csv", column: "CustomerID", reason: "no customer id",
        rows: 5078},
    ]);
    expect(await q(`SELECT count(*) AS orders,
      count(*) FILTER (WHERE status = 'refunded') AS refunds,
                      CAST(sum(amount) FILTER (WHERE status = 'paid') AS VARCHAR) AS sales,
                      CAST(sum(amount) FILTER (WHERE status = 'refunded') AS VARCHAR) AS refunded
                    FROM orders`)).toEqual([
      {orders: 8449, refunds: 305, sales: "316047.0100", refunded: "9740.9500"},
    ]);
    expect(await q("SELECT count(*) AS n FROM customers")).toEqual([{n: 3049}]);
    expect(await q("SELECT count(*) AS n FROM order_items")).toEqual([{n: 14854}]);
    expect(
      await q(`SELECT customer_id, ordered_at, CAST(amount AS VARCHAR) AS amount, status FROM orders
               WHERE order_id = 'C567690'`),
    ).toEqual([
      {customer_id: "15810", ordered_at: "2011-09-21T16:01:00.000Z", amount: "14.8500",
        status: "refunded"},
    ]);
    expect(await q("SELECT count(*) AS n FROM orders WHERE amount < 0")).toEqual([{n: 0}]);
  });
});
