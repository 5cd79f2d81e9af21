import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, afterEach, describe, expect, it} from "vitest";
import {queryRows, type Database, type Row} from "../lib/duckdb.js";
import {prepareProducts, productListSql, type ProductList} from "../lib/products/lists.js";
import {ruleRows} from "../lib/products/mine.js";
import {parseSettings, type Settings} from "../lib/settings/index.js";
import {closeDatabase, tagsOf, warehouseFor} from "./helpers/warehouse.js";

// Hand-worked checks of the product report (issue 6): sequences, category rules, the rule window,
// replenishment on local days, seasons, browse depth and preference fade. Every input is a small
// drop folder ingested with the normal drop adapter (warehouseFor), and every list is read the way
// loaders/downloads.ts does: prepareProducts, then the SQL of productListSql.

const scratch = mkdtempSync(join(tmpdir(), "tagbook-products-lists-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

/** Writes a drop folder of CSV files (name → lines) and returns its path. */
function drop(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(scratch, "drop-"));
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
  return dir;
}

/** One-line-per-order drop: [order_id, customer_id, ordered_at, sku, product, category?, status?]. */
function orderFiles(
  customers: [string, string][],
  lines: [string, string, string, string, string, string?, string?][],
): Record<string, string[]> {
  const orders = new Map<string, string>();
  for (const [o, c, at, , , , status] of lines) orders.set(o, `${o},${c},${at},10.00,GBP,${status ?? "paid"}`);
  return {
    "customers.csv": ["customer_id,phone", ...customers.map(([id, phone]) => `${id},${phone}`)],
    "orders.csv": ["order_id,customer_id,ordered_at,amount,currency,status", ...orders.values()],
    "order_items.csv": [
      "order_id,sku,product,category,quantity",
      ...lines.map(([o, , , sku, product, category]) => `${o},${sku},${product},${category ?? ""},1`),
    ],
  };
}

async function list(list: ProductList, asOf: string, settings: Settings): Promise<Row[]> {
  return queryRows<Row>(db!.connection, productListSql(list, asOf, settings), `${list} list`);
}

const round = (x: unknown) => Math.round(Number(x) * 10000) / 10000;

/** Mining thresholds open wide, so every pair in a tiny drop shows. */
const loose = {minSupport: 0, minCount: 1, minConfidence: 0};

// London numbers are GMT (= UTC) in winter; Dubai is UTC+4 all year (no DST).
const LONDON = (n: number) => `+4474001234${String(n).padStart(2, "0")}`;
const DUBAI = (n: number) => `+9715012345${String(n).padStart(2, "0")}`;

describe("sequential rules: A, then B within N local days", () => {
  // Five customers, one line per order, 12:00 UTC (London, GMT in January to March).
  //   c1: machine 01-05, beans 01-20  → 15 days later: counts
  //   c2: machine 01-10, beans 02-09  → exactly 30 days later: counts (within is inclusive)
  //   c3: machine 01-05, beans 02-05  → 31 days later: outside a 30-day window
  //   c4, c5: a mug only (customers with an order, in the denominator)
  const lines: [string, string, string, string, string][] = [
    ["o1", "c1", "2024-01-05T12:00:00Z", "MACHINE", "Coffee machine"],
    ["o2", "c1", "2024-01-20T12:00:00Z", "BEANS", "Coffee beans"],
    ["o3", "c2", "2024-01-10T12:00:00Z", "MACHINE", "Coffee machine"],
    ["o4", "c2", "2024-02-09T12:00:00Z", "BEANS", "Coffee beans"],
    ["o5", "c3", "2024-01-05T12:00:00Z", "MACHINE", "Coffee machine"],
    ["o6", "c3", "2024-02-05T12:00:00Z", "BEANS", "Coffee beans"],
    ["o7", "c4", "2024-02-10T12:00:00Z", "MUG", "Mug"],
    ["o8", "c5", "2024-02-12T12:00:00Z", "MUG", "Mug"],
  ];
  const customers: [string, string][] = [1, 2, 3, 4, 5].map((n) => [`c${n}`, LONDON(n)]);

  async function sequences(withinDays: number) {
    const settings = parseSettings({products: {...loose, minCount: 2, sequential: {withinDays}}});
    await prepareProducts(db!.connection, "2024-03-31", settings);
    const rows = await queryRows<Row>(
      db!.connection,
      `SELECT first, "then", within_days, support, confidence, lift, count, first_count, then_count, customers
       FROM product_sequences ORDER BY first, "then"`,
      "test",
    );
    return rows.map((r) => ({...r, support: round(r.support), confidence: round(r.confidence), lift: round(r.lift)}));
  }

  it("counts c1 (15 days) and c2 (exactly 30) but not c3's beans 31 days later", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), "2024-03-31");
    // N = 5 customers; machine buyers 3 (c1, c2, c3); beans buyers 3 (c1, c2, c3); mug 2.
    // machine → beans within 30: c1, c2 = 2. support 2/5 = 0.4; confidence 2/3; lift (2/3)/(3/5) = 10/9.
    // No other pair: beans never comes before machine, and the mug buyers bought nothing else.
    expect(await sequences(30)).toEqual([
      {first: "Coffee machine", then: "Coffee beans", within_days: 30, support: 0.4, confidence: 0.6667,
       lift: 1.1111, count: 2, first_count: 3, then_count: 3, customers: 5},
    ]);
  });

  it("with a 31-day window c3 counts too: 3 of 3 machine buyers", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), "2024-03-31");
    // count 3: support 3/5 = 0.6; confidence 3/3 = 1; lift 1/(3/5) = 5/3.
    expect(await sequences(31)).toEqual([
      {first: "Coffee machine", then: "Coffee beans", within_days: 31, support: 0.6, confidence: 1,
       lift: 1.6667, count: 3, first_count: 3, then_count: 3, customers: 5},
    ]);
  });

  it("a purchase of B on the same local day as A is not 'then'", async () => {
    // c1 buys machine and beans in two orders the same day; c2 buys beans the next day.
    const same: [string, string, string, string, string][] = [
      ["s1", "c1", "2024-01-05T09:00:00Z", "MACHINE", "Coffee machine"],
      ["s2", "c1", "2024-01-05T18:00:00Z", "BEANS", "Coffee beans"],
      ["s3", "c2", "2024-01-05T09:00:00Z", "MACHINE", "Coffee machine"],
      ["s4", "c2", "2024-01-06T09:00:00Z", "BEANS", "Coffee beans"],
    ];
    db = await warehouseFor(drop(orderFiles(customers.slice(0, 2), same)), "2024-03-31");
    const settings = parseSettings({products: {...loose, sequential: {withinDays: 30}}});
    await prepareProducts(db.connection, "2024-03-31", settings);
    // Only c2: count 1 of 2 machine buyers; N = 2, beans buyers 2 → lift (1/2)/(2/2) = 0.5.
    const rows = await queryRows<Row>(db.connection, `SELECT first, "then", count, confidence, lift FROM product_sequences`, "test");
    expect(rows).toEqual([{first: "Coffee machine", then: "Coffee beans", count: 1, confidence: 0.5, lift: 0.5}]);
  });
});

describe("category-level rules", () => {
  // Six orders, one customer each (London, 12:00 UTC in March):
  //   O1: ESPRESSO (Coffee), BEANS (coffee), MUG (Kitchen)  → {coffee, kitchen}
  //   O2: BEANS (coffee), FILTER ("Coffee ")                → {coffee}: two products, one category
  //   O3: MUG (Kitchen), PLATE (kitchen)                    → {kitchen}
  //   O4: BEANS (coffee), PLATE (kitchen)                   → {coffee, kitchen}
  //   O5: TEA (tea)                                          → {tea}
  //   O6: GIFTCARD (no category)                             → no category basket at all
  const lines: [string, string, string, string, string, string][] = [
    ["O1", "k1", "2024-03-01T12:00:00Z", "ESPRESSO", "Espresso maker", "Coffee"],
    ["O1", "k1", "2024-03-01T12:00:00Z", "BEANS", "Beans", "coffee"],
    ["O1", "k1", "2024-03-01T12:00:00Z", "MUG", "Mug", "Kitchen"],
    ["O2", "k2", "2024-03-02T12:00:00Z", "BEANS", "Beans", "coffee"],
    ["O2", "k2", "2024-03-02T12:00:00Z", "FILTER", "Filter papers", "Coffee "],
    ["O3", "k3", "2024-03-03T12:00:00Z", "MUG", "Mug", "Kitchen"],
    ["O3", "k3", "2024-03-03T12:00:00Z", "PLATE", "Plate", "kitchen"],
    ["O4", "k4", "2024-03-04T12:00:00Z", "BEANS", "Beans", "coffee"],
    ["O4", "k4", "2024-03-04T12:00:00Z", "PLATE", "Plate", "kitchen"],
    ["O5", "k5", "2024-03-05T12:00:00Z", "TEA", "Tea", "tea"],
    ["O6", "k6", "2024-03-06T12:00:00Z", "GIFTCARD", "Gift card", ""],
  ];
  const customers: [string, string][] = [1, 2, 3, 4, 5, 6].map((n) => [`k${n}`, LONDON(n)]);

  it("counts each category once per basket and leaves uncategorised orders out of N", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), "2024-03-20");
    const settings = parseSettings({products: {...loose, level: "category", crossSell: {minLift: 1.1}}});
    const prep = await prepareProducts(db.connection, "2024-03-20", settings);
    // N = 5 category baskets (O6 has no category). coffee in O1, O2, O4 = 3; kitchen in O1, O3, O4 = 3;
    // tea 1; {coffee, kitchen} in O1, O4 = 2. coffee → kitchen: support 2/5 = 0.4, confidence 2/3,
    // lift (2/3)/(3/5) = 10/9; kitchen → coffee is the mirror image. Tea pairs with nothing.
    expect(prep.level).toBe("category");
    expect(prep.baskets).toBe(5);
    const rules = (await ruleRows(db.connection)).map((r) => ({
      rule: `${r.antecedent} → ${r.consequent}`, support: round(r.support), confidence: round(r.confidence),
      lift: round(r.lift), count: r.count, antecedent_count: r.antecedent_count, consequent_count: r.consequent_count,
    }));
    expect(rules).toEqual([
      {rule: "coffee → kitchen", support: 0.4, confidence: 0.6667, lift: 1.1111, count: 2, antecedent_count: 3, consequent_count: 3},
      {rule: "kitchen → coffee", support: 0.4, confidence: 0.6667, lift: 1.1111, count: 2, antecedent_count: 3, consequent_count: 3},
    ]);
    // Cross-sell at category level (both rules have lift 1.11 ≥ 1.1): k2 bought coffee, never kitchen;
    // k3 bought kitchen, never coffee. k1 and k4 bought both; k5 (tea) and k6 (no category) neither.
    const cross = await list("cross-sell", "2024-03-20", settings);
    expect(cross.map((r) => [r.customer_id, r.item])).toEqual([["k3", "coffee"], ["k2", "kitchen"]]);
  });

  it("the same orders at product level give 6 baskets and beans with its own counts", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), "2024-03-20");
    const settings = parseSettings({products: loose});
    const prep = await prepareProducts(db.connection, "2024-03-20", settings);
    // N = 6 (O6 counts at product level). beans in O1, O2, O4 = 3; plate in O3, O4 = 2; {beans, plate} = O4.
    // beans → plate: support 1/6, confidence 1/3, lift (1/3)/(2/6) = 1.
    expect(prep.baskets).toBe(6);
    const rule = (await ruleRows(db.connection)).find((r) => r.antecedent === "Beans" && r.consequent === "Plate");
    expect(rule && [round(rule.support), round(rule.confidence), round(rule.lift), rule.count]).toEqual([0.1667, 0.3333, 1, 1]);
  });
});

describe("the rules window", () => {
  // As of 2024-06-30 with windowDays 90, the window is local dates 2024-04-02 … 2024-06-30
  // (April 2-30 = 29 days, May 31, June 30: 90 days). One customer per order, London, 11:00 UTC.
  //   W1 2024-03-15 {A, B}  before the window
  //   W2 2024-04-01 {A, B}  exactly 90 days before the as-of date: outside
  //   W3 2024-04-02 {A, B}  first day inside
  //   W4 2024-05-10 {A}
  //   W5 2024-06-30 {B, C}  the as-of date itself is inside
  //   W6 2024-04-01T23:30Z {A, C}: 00:30 BST on 2024-04-02 in London, so inside by local date
  const lines: [string, string, string, string, string][] = [
    ["W1", "w1", "2024-03-15T11:00:00Z", "A", "A"], ["W1", "w1", "2024-03-15T11:00:00Z", "B", "B"],
    ["W2", "w2", "2024-04-01T11:00:00Z", "A", "A"], ["W2", "w2", "2024-04-01T11:00:00Z", "B", "B"],
    ["W3", "w3", "2024-04-02T11:00:00Z", "A", "A"], ["W3", "w3", "2024-04-02T11:00:00Z", "B", "B"],
    ["W4", "w4", "2024-05-10T11:00:00Z", "A", "A"],
    ["W5", "w5", "2024-06-30T11:00:00Z", "B", "B"], ["W5", "w5", "2024-06-30T11:00:00Z", "C", "C"],
    ["W6", "w6", "2024-04-01T23:30:00Z", "A", "A"], ["W6", "w6", "2024-04-01T23:30:00Z", "C", "C"],
  ];
  const customers: [string, string][] = [1, 2, 3, 4, 5, 6].map((n) => [`w${n}`, LONDON(n)]);

  it("leaves orders before the window out of the baskets and the denominator", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), "2024-06-30");
    const settings = parseSettings({products: {...loose, windowDays: 90}});
    const prep = await prepareProducts(db.connection, "2024-06-30", settings);
    // In the window: W3 {A,B}, W4 {A}, W5 {B,C}, W6 {A,C} → N = 4.
    // A: 3, B: 2, C: 2; {A,B} 1, {A,C} 1, {B,C} 1.
    //   A → B: support 1/4, confidence 1/3, lift (1/3)/(2/4) = 2/3    B → A: conf 1/2, lift (1/2)/(3/4) = 2/3
    //   A → C: same as A → B                                           C → A: same as B → A
    //   B → C: conf 1/2, lift (1/2)/(2/4) = 1                          C → B: same
    // Had W1 and W2 counted, N would be 6 and {A,B} 3.
    expect(prep.baskets).toBe(4);
    const rules = (await ruleRows(db.connection)).map((r) => [
      `${r.antecedent} → ${r.consequent}`, r.count, r.antecedent_count, r.baskets, round(r.support), round(r.confidence), round(r.lift),
    ]);
    expect(rules.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ["A → B", 1, 3, 4, 0.25, 0.3333, 0.6667],
      ["A → C", 1, 3, 4, 0.25, 0.3333, 0.6667],
      ["B → A", 1, 2, 4, 0.25, 0.5, 0.6667],
      ["B → C", 1, 2, 4, 0.25, 0.5, 1],
      ["C → A", 1, 2, 4, 0.25, 0.5, 0.6667],
      ["C → B", 1, 2, 4, 0.25, 0.5, 1],
    ]);
  });

  it("a 30-day window keeps only the as-of day's basket and W4's is gone too", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), "2024-06-30");
    const settings = parseSettings({products: {...loose, windowDays: 30}});
    // Local dates 2024-06-01 … 2024-06-30: only W5 {B, C}, N = 1, B → C and C → B with confidence 1, lift 1.
    const prep = await prepareProducts(db.connection, "2024-06-30", settings);
    expect(prep.baskets).toBe(1);
    expect((await ruleRows(db.connection)).map((r) => [`${r.antecedent} → ${r.consequent}`, r.confidence, r.lift]))
      .toEqual([["B → C", 1, 1], ["C → B", 1, 1]]);
  });
});

describe("replenishment on local days (TC-05 in Dubai)", () => {
  // CAPS (coffee capsules), Dubai customers (UTC+4):
  //   d1: 2024-01-01T08:00Z (local 01-01), 2024-01-18T23:30Z and 2024-01-19T00:30Z (both local 01-19,
  //       03:30 and 04:30: one purchase although the UTC dates differ), 2024-02-08T08:00Z (local 02-08)
  //       → local gaps 18 and 20
  //   d2: 2024-02-01T08:00Z, 2024-02-25T08:00Z → gap 24
  //   d3: one purchase on 2024-01-10 (46 days before the as-of date)
  //   l4 (London, GMT): one purchase on 2024-01-16 (40 days before)
  // Gaps [18, 20, 24]: median 20; p25 at position 0.5 = 18 + 0.5·2 = 19; p75 at 1.5 = 20 + 0.5·4 = 22.
  // Trigger day = 20 − lead 3 = 17. (By UTC dates the gaps would be 17, 1, 20, 24: median 18.5.)
  const customers: [string, string][] = [["d1", DUBAI(1)], ["d2", DUBAI(2)], ["d3", DUBAI(3)], ["l4", LONDON(4)]];
  const lines: [string, string, string, string, string][] = [
    ["r1", "d1", "2024-01-01T08:00:00Z", "CAPS", "Coffee capsules"],
    ["r2", "d1", "2024-01-18T23:30:00Z", "CAPS", "Coffee capsules"],
    ["r3", "d1", "2024-01-19T00:30:00Z", "CAPS", "Coffee capsules"],
    ["r4", "d1", "2024-02-08T08:00:00Z", "CAPS", "Coffee capsules"],
    ["r5", "d2", "2024-02-01T08:00:00Z", "CAPS", "Coffee capsules"],
    ["r6", "d2", "2024-02-25T08:00:00Z", "CAPS", "Coffee capsules"],
    ["r7", "d3", "2024-01-10T08:00:00Z", "CAPS", "Coffee capsules"],
    ["r8", "l4", "2024-01-16T08:00:00Z", "CAPS", "Coffee capsules"],
  ];
  const AS_OF = "2024-02-25";

  it("finds a 20-day cycle from local purchase days, with the same local day counted once", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const zones = await queryRows(db.connection, "SELECT customer_id, time_zone FROM customer_basics ORDER BY 1", "test");
    expect(zones).toEqual([
      {customer_id: "d1", time_zone: "Asia/Dubai"}, {customer_id: "d2", time_zone: "Asia/Dubai"},
      {customer_id: "d3", time_zone: "Asia/Dubai"}, {customer_id: "l4", time_zone: "Europe/London"},
    ]);
    const settings = parseSettings({});
    await prepareProducts(db.connection, AS_OF, settings);
    expect(await queryRows(db.connection, "SELECT item, product, gaps, customers, cycle_days, p25_days, p75_days, trigger_day FROM product_cycles", "test"))
      .toEqual([{item: "CAPS", product: "Coffee capsules", gaps: 3, customers: 2, cycle_days: 20, p25_days: 19, p75_days: 22, trigger_day: 17}]);
  });

  it("is due from the trigger day to two cycles after the last purchase", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const settings = parseSettings({});
    await prepareProducts(db.connection, AS_OF, settings);
    // As of 2024-02-25 (local): d1 last bought 02-08 → 17 days (= trigger day 17: due, score 17/20 = 0.85);
    // d2 bought today → 0 days: not due; d3 46 days > 2 × 20 = 40: lapsed; l4 exactly 40 days: still due
    // (score 40/20 = 2). Highest score first.
    const due = await list("reorder", AS_OF, settings);
    expect(due.map((r) => [r.customer_id, r.item, String(r.last_date).slice(0, 10), round(r.score), r.reason])).toEqual([
      ["l4", "CAPS", "2024-01-16", 2, "last bought 40 days ago; cycle 20 days, reminder from day 17"],
      ["d1", "CAPS", "2024-02-08", 0.85, "last bought 17 days ago; cycle 20 days, reminder from day 17"],
    ]);
  });

  it("takes the lead from the settings: no lead reminds on day 20, so d1 (day 17) waits", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const settings = parseSettings({products: {replenishment: {leadDays: 0}}});
    await prepareProducts(db.connection, AS_OF, settings);
    const cycles = await queryRows(db.connection, "SELECT cycle_days, trigger_day FROM product_cycles", "test");
    expect(cycles).toEqual([{cycle_days: 20, trigger_day: 20}]);
    expect((await list("reorder", AS_OF, settings)).map((r) => r.customer_id)).toEqual(["l4"]);
  });
});

describe("seasons", () => {
  // SCARF, one order per line, London customers at 12:00 UTC (winter: GMT; summer BST keeps the date).
  //   season before last: s0 2023-01-15
  //   last season (Dec 2023 – Feb 2024): sA 12-05, sB 12-20, sC 01-10, sD 01-25, sE 02-10, sA 02-20, sF 02-28
  //   off season: sG 2024-03-01, sH 2024-07-20
  // 10 orders (= minOrders 10). Three-month windows: Dec-Feb holds 2 + 3 + 3 = 8 (Jan 2023 included),
  // Jan-Mar 1 + 2 + 3 + 1 = 7, Nov-Jan 2 + 3 = 5, so the season starts in December with share 8/10 = 0.8
  // (≥ 0.6). History spans 2023-01-15 … 2024-11-20, over a year. As of 2024-11-20 the next season starts
  // 2024-12-01, the reminder from 2024-12-01 − 14 = 2024-11-17, and last season is
  // [2023-12-01, 2024-03-01): sA … sF, not s0 (the season before) nor sG (March 1) nor sH.
  const dates: [string, string][] = [
    ["s0", "2023-01-15"], ["sA", "2023-12-05"], ["sB", "2023-12-20"], ["sC", "2024-01-10"], ["sD", "2024-01-25"],
    ["sE", "2024-02-10"], ["sA", "2024-02-20"], ["sF", "2024-02-28"], ["sG", "2024-03-01"], ["sH", "2024-07-20"],
  ];
  const lines = dates.map(([c, d], i): [string, string, string, string, string] => [`x${i}`, c, `${d}T12:00:00Z`, "SCARF", "Wool scarf"]);
  const customers: [string, string][] = ["s0", "sA", "sB", "sC", "sD", "sE", "sF", "sG", "sH"].map((c, i) => [c, LONDON(i + 1)]);
  const AS_OF = "2024-11-20";

  it("detects a December-to-February season with share 0.8", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const settings = parseSettings({});
    await prepareProducts(db.connection, AS_OF, settings);
    const seasons = await queryRows(
      db.connection,
      `SELECT item, product, start_month, months, share, season_orders, orders, strftime(last_start, '%Y-%m-%d') AS last_start,
              strftime(last_end, '%Y-%m-%d') AS last_end, strftime(next_start, '%Y-%m-%d') AS next_start,
              strftime(remind_on, '%Y-%m-%d') AS remind_on FROM product_seasons`,
      "test",
    );
    expect(seasons.map((s) => ({...s, share: round(s.share)}))).toEqual([{
      item: "SCARF", product: "Wool scarf", start_month: 12, months: 3, share: 0.8, season_orders: 8, orders: 10,
      last_start: "2023-12-01", last_end: "2024-03-01", next_start: "2024-12-01", remind_on: "2024-11-17",
    }]);
  });

  it("reminds last season's buyers 14 days before the season, each once", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const settings = parseSettings({});
    await prepareProducts(db.connection, AS_OF, settings);
    const rows = await list("seasonal", AS_OF, settings);
    // sA bought twice last season (last on 02-20) but is one row. Last season ends 2024-02-29 (leap year).
    expect(rows.map((r) => [r.customer_id, String(r.last_date).slice(0, 10), round(r.score)])).toEqual([
      ["sA", "2024-02-20", 0.8], ["sB", "2023-12-20", 0.8], ["sC", "2024-01-10", 0.8],
      ["sD", "2024-01-25", 0.8], ["sE", "2024-02-10", 0.8], ["sF", "2024-02-28", 0.8],
    ]);
    expect(rows[0]!.reason).toBe(
      "bought it last season (2023-12-01 to 2024-02-29); season starts 2024-12-01, remind from 2024-11-17",
    );
  });

  it("with a 7-day reminder nobody is reminded yet on 2024-11-20 (11 days before)", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const settings = parseSettings({products: {seasons: {reminderDays: 7}}});
    await prepareProducts(db.connection, AS_OF, settings);
    // remind_on = 2024-12-01 − 7 = 2024-11-24 > 2024-11-20.
    expect(await list("seasonal", AS_OF, settings)).toEqual([]);
    // A 12-day reminder (from 2024-11-19) would include all six.
    const twelve = parseSettings({products: {seasons: {reminderDays: 12}}});
    await prepareProducts(db.connection, AS_OF, twelve);
    expect((await list("seasonal", AS_OF, twelve)).length).toBe(6);
  });

  it("needs minOrders orders: with 11 required the scarf is not seasonal", async () => {
    db = await warehouseFor(drop(orderFiles(customers, lines)), AS_OF);
    const settings = parseSettings({products: {seasons: {minOrders: 11}}});
    await prepareProducts(db.connection, AS_OF, settings);
    expect(await queryRows(db.connection, "SELECT * FROM product_seasons", "test")).toEqual([]);
    expect(await list("seasonal", AS_OF, settings)).toEqual([]);
  });
});

describe("browse depth: researched, not bought", () => {
  // As of 2024-03-20 with a 30-day browse window: local dates 2024-02-20 … 2024-03-20.
  //   b1 (London): TV (899) viewed 3 times, 20-40 s → viewed 3 times + price band
  //   b2 (London): CABLE (15) viewed 3 times, plus a link_click (not a view) → viewed 3 times
  //   b3 (London): LAMP viewed once for 120 s → long dwell; CABLE once for exactly 90 s → not long (> 90)
  //   b4 (London): PHONE (650) viewed 3 times, then ordered (paid) on 03-15 → not in the list
  //   b5 (Dubai): TV viewed 2024-02-19T21:00Z (local 02-20 01:00, inside), 03-02, 03-03 → 3 views
  //   b6 (London): TV viewed 2024-02-19T21:00Z (local 02-19, outside), 03-02, 03-03 → 2 views: no
  //   b7 (London): SPEAKER (500, exactly the band) viewed 3 times; a cancelled order does not count
  const customers: [string, string][] = [
    ["b1", LONDON(1)], ["b2", LONDON(2)], ["b3", LONDON(3)], ["b4", LONDON(4)], ["b5", DUBAI(5)],
    ["b6", LONDON(6)], ["b7", LONDON(7)],
  ];
  const events = [
    "customer_id,at,kind,sku,price,duration_s",
    "b1,2024-03-01T10:00:00Z,page_view,TV,899,20", "b1,2024-03-05T10:00:00Z,page_view,TV,899,30",
    "b1,2024-03-10T10:00:00Z,page_view,TV,899,40",
    "b2,2024-03-01T10:00:00Z,page_view,CABLE,15,10", "b2,2024-03-02T10:00:00Z,page_view,CABLE,15,10",
    "b2,2024-03-03T10:00:00Z,page_view,CABLE,15,10", "b2,2024-03-04T10:00:00Z,link_click,CABLE,15,",
    "b3,2024-03-05T10:00:00Z,page_view,LAMP,120,120", "b3,2024-03-06T10:00:00Z,page_view,CABLE,15,90",
    "b4,2024-03-01T10:00:00Z,page_view,PHONE,650,30", "b4,2024-03-02T10:00:00Z,page_view,PHONE,650,30",
    "b4,2024-03-03T10:00:00Z,page_view,PHONE,650,30",
    "b5,2024-02-19T21:00:00Z,page_view,TV,899,15", "b5,2024-03-02T10:00:00Z,page_view,TV,899,15",
    "b5,2024-03-03T10:00:00Z,page_view,TV,899,15",
    "b6,2024-02-19T21:00:00Z,page_view,TV,899,15", "b6,2024-03-02T10:00:00Z,page_view,TV,899,15",
    "b6,2024-03-03T10:00:00Z,page_view,TV,899,15",
    "b7,2024-03-01T10:00:00Z,page_view,SPEAKER,500,10", "b7,2024-03-02T10:00:00Z,page_view,SPEAKER,500,10",
    "b7,2024-03-03T10:00:00Z,page_view,SPEAKER,500,10",
  ];
  const files = () => ({
    ...orderFiles(customers, [
      ["p4", "b4", "2024-03-15T10:00:00Z", "PHONE", "Phone"],
      ["p7", "b7", "2024-03-04T10:00:00Z", "SPEAKER", "Speaker", "", "cancelled"],
    ]),
    "web_events.csv": events,
  });

  it("lists views ≥ 3, long dwell > 90 s and the ≥ 500 price band, and drops the buyer", async () => {
    db = await warehouseFor(drop(files()), "2024-03-20");
    const settings = parseSettings({});
    await prepareProducts(db.connection, "2024-03-20", settings);
    const rows = await list("researched", "2024-03-20", settings);
    // Score = views, highest first, then customer id: b1, b2, b5, b7 (3 views), b3 (1 view).
    expect(rows.map((r) => [r.customer_id, r.item, r.product, r.score, String(r.last_date).slice(0, 10)])).toEqual([
      ["b1", "TV", "TV", 3, "2024-03-10"],
      ["b2", "CABLE", "CABLE", 3, "2024-03-03"],
      ["b5", "TV", "TV", 3, "2024-03-03"],
      ["b7", "SPEAKER", "Speaker", 3, "2024-03-03"],
      ["b3", "LAMP", "LAMP", 1, "2024-03-05"],
    ]);
    const reasons = Object.fromEntries(rows.map((r) => [`${r.customer_id} ${r.item}`, String(r.reason)]));
    expect(reasons["b1 TV"]).toMatch(/^viewed 3 times; price band: 899(\.0+)? ≥ 500, never ordered$/);
    expect(reasons["b2 CABLE"]).toBe("viewed 3 times, never ordered");
    expect(reasons["b7 SPEAKER"]).toMatch(/^viewed 3 times; price band: 500(\.0+)? ≥ 500, never ordered$/);
    expect(reasons["b3 LAMP"]).toMatch(/^long dwell 120(\.0)? s, never ordered$/);
  });

  it("b4 researched the phone until the order; before it, b4 is in the list", async () => {
    // Without the order the phone is researched: 3 views ≥ 3 and 650 ≥ 500.
    const f: Record<string, string[]> = files();
    f["orders.csv"] = f["orders.csv"]!.filter((l) => !l.startsWith("p4,"));
    f["order_items.csv"] = f["order_items.csv"]!.filter((l) => !l.startsWith("p4,"));
    db = await warehouseFor(drop(f), "2024-03-20");
    const settings = parseSettings({});
    await prepareProducts(db.connection, "2024-03-20", settings);
    const rows = await list("researched", "2024-03-20", settings);
    expect(rows.filter((r) => r.customer_id === "b4").map((r) => [r.item, r.score])).toEqual([["PHONE", 3]]);
  });
});

describe("preference fade", () => {
  // tags.interest.fadeMonths (default 12): category interests come from orders with a local date after
  // as-of − fadeMonths months; older ones are dropped. As of 2024-03-01:
  //   f1: coffee on 2023-02-15 (over 12 months old: faded), tea on 2023-09-01 (6 months: kept)
  //   f2: coffee on 2023-03-15 (11½ months: kept at 12, faded at 9, whose cut is 2023-06-01)
  //   f3: wrote "looking for a stroller" on 2023-01-10 (faded); f4: "need a new charger" on 2024-01-10
  const customers: [string, string][] = [["f1", LONDON(1)], ["f2", LONDON(2)], ["f3", LONDON(3)], ["f4", LONDON(4)]];
  const files = () => ({
    ...orderFiles(customers, [
      ["i1", "f1", "2023-02-15T12:00:00Z", "BEANS", "Beans", "coffee"],
      ["i2", "f1", "2023-09-01T12:00:00Z", "SENCHA", "Sencha", "tea"],
      ["i3", "f2", "2023-03-15T12:00:00Z", "BEANS", "Beans", "coffee"],
    ]),
    "messages.csv": [
      "message_id,customer_id,direction,sent_at,text",
      "m1,f3,in,2023-01-10T12:00:00Z,looking for a stroller",
      "m2,f4,in,2024-01-10T12:00:00Z,need a new charger",
    ],
  });

  it("drops interests older than 12 months by default", async () => {
    db = await warehouseFor(drop(files()), "2024-03-01");
    expect(await tagsOf(db, "interest")).toEqual({f1: "tea", f2: "coffee", f4: "electronics"});
    const reason = await queryRows(db.connection, "SELECT reason FROM tag_snapshots WHERE family = 'interest' AND customer_id = 'f2'", "test");
    expect(reason).toEqual([{reason: "bought 1 coffee item, last on 2023-03-15"}]);
  });

  it("drops f2's coffee with fadeMonths 9", async () => {
    db = await warehouseFor(drop(files()), "2024-03-01", parseSettings({tags: {interest: {fadeMonths: 9}}}));
    expect(await tagsOf(db, "interest")).toEqual({f1: "tea", f4: "electronics"});
  });
});

describe("faults found by these tests, kept as their right values", () => {
  // createCycles read all of product_history, which covers the longest history setting
  // (seasons.historyDays, 730), while sequential.historyDays (365) is "orders looked at for
  // sequences and cycles".
  it("cycles only look at sequential.historyDays (365) of history", async () => {
    // As of 2024-03-04, 365 days back is local dates after 2023-03-05.
    //   c1: 2023-12-21, 2024-01-10, 2024-01-30, 2024-02-19 → gaps 20, 20, 20 (inside)
    //   c2: 2022-05-01, -11, -21, -31 → gaps 10, 10, 10, all older than 365 days (but within 730)
    // Right: gaps [20, 20, 20] → cycle 20, trigger 17; c1 is 14 days since the last buy → not due.
    // Library: gaps [10, 10, 10, 20, 20, 20] → cycle 15, trigger 12, and c1 is put on the reorder list.
    const lines: [string, string, string, string, string][] = [
      ["h1", "c1", "2023-12-21T12:00:00Z", "CAPS", "Caps"], ["h2", "c1", "2024-01-10T12:00:00Z", "CAPS", "Caps"],
      ["h3", "c1", "2024-01-30T12:00:00Z", "CAPS", "Caps"], ["h4", "c1", "2024-02-19T12:00:00Z", "CAPS", "Caps"],
      ["h5", "c2", "2022-05-01T12:00:00Z", "CAPS", "Caps"], ["h6", "c2", "2022-05-11T12:00:00Z", "CAPS", "Caps"],
      ["h7", "c2", "2022-05-21T12:00:00Z", "CAPS", "Caps"], ["h8", "c2", "2022-05-31T12:00:00Z", "CAPS", "Caps"],
    ];
    db = await warehouseFor(drop(orderFiles([["c1", LONDON(1)], ["c2", LONDON(2)]], lines)), "2024-03-04");
    // One customer's habit is enough here: minCustomers 1.
    const settings = parseSettings({products: {replenishment: {minCustomers: 1}}});
    await prepareProducts(db.connection, "2024-03-04", settings);
    expect(await queryRows(db.connection, "SELECT gaps, customers, cycle_days, trigger_day FROM product_cycles", "test"))
      .toEqual([{gaps: 3, customers: 1, cycle_days: 20, trigger_day: 17}]);
    expect(await list("reorder", "2024-03-04", settings)).toEqual([]);
  });

  it("calls only regular re-buying a cycle: the middle half of the gaps within maxSpread of the median", async () => {
    // TEA: gaps 30, 31, 33, 29 (quartiles 29.75 and 31.5 around 30.5: spread 0.06) → a cycle.
    // MUG: gaps 10, 60, 20, 90 (quartiles 17.5 and 67.5 around 40: spread 1.25) → no cycle.
    const days = (start: string, gaps: number[]) => {
      const out = [new Date(`${start}T12:00:00Z`)];
      for (const g of gaps) out.push(new Date(out.at(-1)!.getTime() + g * 86_400_000));
      return out.map((d) => d.toISOString().slice(0, 19) + "Z");
    };
    const lines: [string, string, string, string, string][] = [];
    let n = 0;
    for (const [customer, sku, start, gaps] of [
      ["c1", "TEA", "2023-06-01", [30, 31]], ["c2", "TEA", "2023-07-01", [33, 29]],
      ["c1", "MUG", "2023-06-02", [10, 60]], ["c2", "MUG", "2023-07-02", [20, 90]],
    ] as const) {
      for (const at of days(start, [...gaps])) lines.push([`o${n++}`, customer, at, sku, sku.toLowerCase()]);
    }
    db = await warehouseFor(drop(orderFiles([["c1", LONDON(1)], ["c2", LONDON(2)]], lines)), "2024-03-04");
    await prepareProducts(db.connection, "2024-03-04", parseSettings({}));
    expect(await queryRows(db.connection, "SELECT item, cycle_days FROM product_cycles ORDER BY item", "test"))
      .toEqual([{item: "TEA", cycle_days: 31}]);
    await prepareProducts(db.connection, "2024-03-04", parseSettings({products: {replenishment: {maxSpread: 2}}}));
    expect(await queryRows(db.connection, "SELECT item FROM product_cycles ORDER BY item", "test"))
      .toEqual([{item: "MUG"}, {item: "TEA"}]);
  });

  // createBrowse decided "never ordered" with ordered_at <= as-of date + 1 day, i.e. midnight in
  // the DuckDB session zone, not on the customer's local as-of date that every other list uses.
  const browse = (customer: string, phone: string, zone: string, orderedAt: string) => ({
    "customers.csv": ["customer_id,phone,time_zone", `${customer},${phone},${zone}`],
    "orders.csv": ["order_id,customer_id,ordered_at,amount,currency", `o1,${customer},${orderedAt},650,USD`],
    "order_items.csv": ["order_id,sku,product", "o1,PHONE,Phone"],
    "web_events.csv": [
      "customer_id,at,kind,sku,price,duration_s",
      ...["2024-03-01", "2024-03-02", "2024-03-03"].map((d) => `${customer},${d}T15:00:00Z,page_view,PHONE,650,30`),
    ],
  });

  it("a New York buyer who ordered on the local as-of date is not 'researched, never ordered'", async () => {
    // 2024-03-21T01:00Z is 2024-03-20 21:00 EDT: the as-of date itself (product_history has it on
    // 2024-03-20). Right: the list is empty. Library: ny is listed, "viewed 3 times; … never ordered".
    db = await warehouseFor(drop(browse("ny", "+12125550100", "America/New_York", "2024-03-21T01:00:00Z")), "2024-03-20");
    const settings = parseSettings({});
    await prepareProducts(db.connection, "2024-03-20", settings);
    expect(await list("researched", "2024-03-20", settings)).toEqual([]);
  });

  it("a Dubai viewer whose order is on the local day after the as-of date is still 'researched'", async () => {
    // 2024-03-20T21:00Z is 2024-03-21 01:00 in Dubai: after the as-of date (product_history leaves it
    // out). Right: as of 2024-03-20 dx had not ordered, so dx is listed. Library: dx is left out.
    db = await warehouseFor(drop(browse("dx", "+971501234599", "Asia/Dubai", "2024-03-20T21:00:00Z")), "2024-03-20");
    const settings = parseSettings({});
    await prepareProducts(db.connection, "2024-03-20", settings);
    expect((await list("researched", "2024-03-20", settings)).map((r) => [r.customer_id, r.item, r.score]))
      .toEqual([["dx", "PHONE", 3]]);
  });
});
