import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {latestDrop} from "../lib/warehouse.js";
import {overview} from "../loaders/overview.js";
import {quality} from "../loaders/quality.js";
import {warehouseFor} from "./helpers/warehouse.js";

describe("TC-09: DuckDB BIGINT, DECIMAL and TIMESTAMPTZ become plain JSON", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(":memory:");
    await db.connection.run(`
      CREATE TABLE orders (customer_id VARCHAR, amount DECIMAL(10,2), ts TIMESTAMPTZ);
      INSERT INTO orders VALUES
        ('c1', 10.50, '2024-03-11 10:00:00+00'), ('c1', 20.00, '2024-03-12 10:00:00+00'),
        ('c1', 15.00, '2024-03-13 10:00:00+00'), ('c2', 7.25, '2024-03-11 10:00:00+00');`);
  });
  afterAll(() => closeDatabase(db));

  it("queryRows gives numbers and ISO-8601 UTC strings that round-trip through JSON", async () => {
    const rows = await queryRows<{customer_id: string; orders: number; spend: number; last_order_at: string}>(
      db.connection,
      `SELECT customer_id, count(*) AS orders, sum(amount) AS spend, max(ts) AS last_order_at
       FROM orders GROUP BY customer_id ORDER BY customer_id`,
      "tc09",
    );
    expect(JSON.stringify(rows)).toBe(
      '[{"customer_id":"c1","orders":3,"spend":45.5,"last_order_at":"2024-03-13T10:00:00.000Z"},' +
        '{"customer_id":"c2","orders":1,"spend":7.25,"last_order_at":"2024-03-11T10:00:00.000Z"}]',
    );
    expect(typeof rows[0]!.orders).toBe("number");
    expect((rows[0]!.spend / rows[0]!.orders).toFixed(2)).toBe("15.17");
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });
});

describe("drop → warehouse → loader output", () => {
  let db: Database;
  beforeAll(async () => {
    db = await warehouseFor("test/fixtures/drop-small", "2024-01-25");
  });
  afterAll(() => closeDatabase(db));

  async function context() {
    const drop = (await latestDrop(db.connection))!;
    return {connection: db.connection, ...drop, settings: parseSettings({}), log: () => {}};
  }

  it("overview counts customers, paid orders and net revenue per currency", async () => {
    const data = await overview(await context());
    expect(data.asOf).toBe("2024-01-25");
    expect(data.totals).toMatchObject({customers: 2, orders: 5, cancelled_or_refunded: 0, messages: 0});
    expect(data.revenue).toEqual([
      {currency: "GBP", net_revenue: 45, orders: 3},
      {currency: "AED", net_revenue: 15, orders: 2},
    ]);
  });

  it("quality reports rows per file and rejects by reason with examples", async () => {
    const data = await quality(await context());
    expect(data.files).toEqual([
      {file: "customers.csv", table_name: "customers", rows_read: 2, rows_loaded: 2, rows_rejected: 0},
      {file: "orders.csv", table_name: "orders", rows_read: 7, rows_loaded: 5, rows_rejected: 2},
    ]);
    expect(data.reasons.map((r) => [r.column, r.rows, r.examples])).toEqual([
      ["amount", 1, [{line: 8, value: "12,50"}]],
      ["ordered_at", 1, [{line: 7, value: "not-a-date"}]],
    ]);
  });
});
