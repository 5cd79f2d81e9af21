import {existsSync} from "node:fs";
import {afterEach, describe, expect, it} from "vitest";
import {olistAdapter} from "../lib/adapters/olist.js";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";
import {realdata} from "./helpers/realdata.js";

const FIXTURES = "test/fixtures/adapters/olist";
const REALDATA = realdata("olist");

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
  const report = await ingest(db.connection, olistAdapter, input, parseSettings({}));
  const q = <T = Record<string, unknown>>(sql: string) => queryRows<T>(db!.connection, sql, "test");
  return {report, q};
}

describe("olist adapter, hand-checked folder", () => {
  it("joins orders, payments, items and customers", async () => {
    const {report, q} = await load(FIXTURES);

    expect(report.files.map((f) => [f.file, f.rows])).toEqual([
      ["olist_orders_dataset.csv", 5],
      ["olist_order_items_dataset.csv", 5],
      ["olist_order_payments_dataset.csv", 5],
      ["olist_customers_dataset.csv", 4],
      ["olist_products_dataset.csv", 3],
      ["product_category_name_translation.csv", 2],
    ]);
    expect(await q(`SELECT file, line, "column", value,
      reason FROM rejects ORDER BY file`)).toEqual([
      {file: "olist_order_items_dataset.csv", line: 6, column: "order_id", value: "zz",
        reason: "order_id not found in olist_orders_dataset.csv"},
      {file: "olist_orders_dataset.csv", line: 5, column: "customer_id", value: "c9",
        reason: "customer_id not found in olist_customers_dataset.csv"},
    ]);
    // São Paulo was at -02:00 (DST) in January 2017 and on 17 February 2018, -03:00 otherwise.
    // o3 paid 29.10 although its price + freight is 27.90: the payment is what counts.
    expect(
      await q(`SELECT order_id, customer_id, ordered_at, CAST(amount AS VARCHAR) AS amount,
        currency,
                 status FROM orders ORDER BY order_id`),
    ).toEqual([
      {order_id: "o1", customer_id: "u1", ordered_at: "2017-01-15T14:00:00.000Z",
        amount: "165.7500",
        currency: "BRL", status: "paid"},
      {order_id: "o2", customer_id: "u2", ordered_at: "2017-06-15T15:00:00.000Z",
        amount: "110.0000",
        currency: "BRL", status: "cancelled"},
      {order_id: "o3", customer_id: "u1", ordered_at: "2018-02-18T00:30:00.000Z", amount: "29.1000",
        currency: "BRL", status: "paid"},
      {order_id: "o5", customer_id: "u3", ordered_at: "2018-04-01T13:00:00.000Z", amount: "42.0000",
        currency: "BRL", status: "cancelled"},
    ]);
    expect(
      await q(`SELECT order_id, line, sku, category, quantity, unit_price FROM order_items
               ORDER BY order_id, line`),
    ).toEqual([
      {order_id: "o1", line: 1, sku: "p1", category: "health_beauty", quantity: 1, unit_price: 100},
      {order_id: "o1", line: 2, sku: "p2", category: "categoria_sem_traducao", quantity: 1,
        unit_price: 50.5},
      {order_id: "o2", line: 1, sku: "p1", category: "health_beauty", quantity: 1, unit_price: 100},
      {order_id: "o3", line: 1, sku: "p3", category: null, quantity: 1, unit_price: 20},
    ]);
    // u1 appears twice (c1 and c3); the customer row of the latest order (o3, c3) is kept.
    expect(
      await q("SELECT customer_id, country, region, postcode, time_zone FROM customers ORDER BY customer_id"),
    ).toEqual([
      {customer_id: "u1", country: "BR", region: "SP", postcode: "01310", time_zone: "America/Sao_Paulo"},
      {customer_id: "u2", country: "BR", region: "RJ", postcode: "20000", time_zone: "America/Sao_Paulo"},
      {customer_id: "u3", country: "BR", region: "MG", postcode: "30100", time_zone: "America/Sao_Paulo"},
    ]);
  });

  it("names the missing file", async () => {
    db = await openDatabase(":memory:");
    await expect(
      ingest(db.connection, olistAdapter, "test/fixtures/adapters/online-retail",
        parseSettings({})),
    ).rejects.toThrow(/olist: .*online-retail has no olist_orders_dataset\.csv/);
  });
});

describeReal("olist adapter, real 4,000-order sample", () => {
  it("finds the real export folder", () => {
    expect(realdataMissing, `${REALDATA} is missing`).toBe(false);
  });

  it("loads every order, person and item", async () => {
    const {report, q} = await load(REALDATA);

    expect(report.files.map((f) => f.rows)).toEqual([4000, 4519, 4161, 4000, 3132, 71]);
    expect(report.rejectsByReason).toEqual([]);
    expect(await q(`SELECT count(*) AS orders,
      count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                      CAST(sum(amount) AS VARCHAR) AS total FROM orders`)).toEqual([
      {orders: 4000, cancelled: 40, total: "645494.0500"},
    ]);
    expect(await q("SELECT count(*) AS n FROM customers")).toEqual([{n: 3998}]);
    // Every state has its zone: Manaus is an hour behind São Paulo, Rio Branco two.
    expect(await q("SELECT count(*) AS n FROM customers WHERE time_zone IS NULL")).toEqual([{n: 0}]);
    expect(await q(`SELECT region, any_value(time_zone) AS zone FROM customers WHERE region IN ('AM', 'AC', 'BA', 'RS')
                    GROUP BY region ORDER BY region`)).toEqual([
      {region: "AC", zone: "America/Rio_Branco"}, {region: "AM", zone: "America/Manaus"},
      {region: "BA", zone: "America/Bahia"}, {region: "RS", zone: "America/Sao_Paulo"},
    ]);
    expect(await q(`SELECT count(*) AS n, count(*) FILTER (WHERE category IS NULL) AS uncategorised
                    FROM order_items`)).toEqual([{n: 4519, uncategorised: 74}]);
    expect(
      await q(`SELECT customer_id, ordered_at, CAST(amount AS VARCHAR) AS amount, status FROM orders
               WHERE order_id = 'bb953a084ab406da9e19dfdc06df0245'`),
    ).toEqual([
      {customer_id: "dbe3f4e2e46a955ca13fc1554528dd5e", ordered_at: "2018-07-29T16:54:51.000Z",
        amount: "65.3400", status: "paid"},
    ]);
  });
});
