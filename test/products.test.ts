import {afterEach, describe, expect, it} from "vitest";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "../lib/duckdb.js";
import {productListRows, prepareProducts} from "../lib/products/lists.js";
import {mineRules, ruleRows} from "../lib/products/mine.js";
import {parseSettings} from "../lib/settings/index.js";
import {ensureSchema} from "../lib/warehouse.js";

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

const loose = {minSupport: 0, minCount: 1, minConfidence: 0, maxItemsetSize: 3};

/** Mines order lines given as [order, item] pairs, each order its own customer. */
async function mineLines(lines: [string, string][], options = loose) {
  db = await openDatabase(":memory:");
  const values = lines.map(([o, item]) => `('${o}', 'c-${o}', DATE '2024-01-10', '${item}', '${item}')`);
  await run(
    db.connection,
    `CREATE TEMP TABLE product_lines AS SELECT * FROM (VALUES ${values.join(", ")})
       t(order_id, customer_id, local_date, item, label)`,
    "test",
  );
  const baskets = await mineRules(db.connection, options);
  const rules = (await ruleRows(db.connection)).map((r) => ({
    rule: `${r.antecedent} → ${r.consequent}`,
    support: round(r.support), confidence: round(r.confidence), lift: round(r.lift), count: r.count,
  }));
  const supports = await queryRows<{item: string; support: number}>(
    db.connection,
    "SELECT items[1] AS item, support FROM product_itemsets WHERE size = 1 ORDER BY item",
    "test",
  );
  return {baskets, rules, supports};
}

const round = (x: number) => Math.round(x * 10000) / 10000;
const sortByRule = <T extends {rule: string}>(rows: T[]) => [...rows].sort((a, b) => a.rule.localeCompare(b.rule));

describe("association rules", () => {
  it("TC-01: a product on two lines of one order is in its basket once", async () => {
    const {baskets, rules, supports} = await mineLines([
      ["O1", "tea"], ["O1", "tea"], ["O1", "sugar"], ["O2", "tea"], ["O3", "sugar"], ["O3", "milk"],
      ["O4", "tea"], ["O4", "sugar"], ["O4", "sugar"],
    ]);
    expect(baskets).toBe(4);
    expect(supports).toEqual([
      {item: "milk", support: 0.25}, {item: "sugar", support: 0.75}, {item: "tea", support: 0.75},
    ]);
    expect(sortByRule(rules)).toEqual([
      {rule: "milk → sugar", support: 0.25, confidence: 1, lift: 1.3333, count: 1},
      {rule: "sugar → milk", support: 0.25, confidence: 0.3333, lift: 1.3333, count: 1},
      {rule: "sugar → tea", support: 0.5, confidence: 0.6667, lift: 0.8889, count: 2},
      {rule: "tea → sugar", support: 0.5, confidence: 0.6667, lift: 0.8889, count: 2},
    ]);
    for (const r of rules) expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it("TC-01: bought tea but not sugar is O2 alone, 1 of the 3 tea buyers", async () => {
    db = await openDatabase(":memory:");
    await ensureSchema(db.connection);
    await run(
      db.connection,
      `INSERT INTO orders VALUES
         ('O1', 'c1', TIMESTAMPTZ '2024-01-10 10:00:00+00', 5, 'GBP', 'paid', 'd'),
         ('O2', 'c2', TIMESTAMPTZ '2024-01-10 10:00:00+00', 5, 'GBP', 'paid', 'd'),
         ('O3', 'c3', TIMESTAMPTZ '2024-01-10 10:00:00+00', 5, 'GBP', 'paid', 'd'),
         ('O4', 'c4', TIMESTAMPTZ '2024-01-10 10:00:00+00', 5, 'GBP', 'paid', 'd');
       INSERT INTO order_items (order_id, line, sku, product, quantity) VALUES
         ('O1', 1, 'tea', 'tea', 1), ('O1', 2, 'tea', 'tea', 1), ('O1', 3, 'sugar', 'sugar', 1),
         ('O2', 1, 'tea', 'tea', 1), ('O3', 1, 'sugar', 'sugar', 1), ('O3', 2, 'milk', 'milk', 1),
         ('O4', 1, 'tea', 'tea', 1), ('O4', 2, 'sugar', 'sugar', 2), ('O4', 3, 'sugar', 'sugar', 1)`,
      "test",
    );
    // Every rule with lift ≥ 0 feeds the list, so tea → sugar (lift 8/9) is among them.
    const settings = parseSettings({products: {minSupport: 0, minCount: 1, minConfidence: 0, crossSell: {minLift: 0}}});
    await prepareProducts(db.connection, "2024-01-25", settings);
    const rows = await productListRows(db.connection, "cross-sell", "2024-01-25", settings);
    const notSugar = rows.filter((r) => r.product === "sugar").map((r) => r.customer_id);
    expect(notSugar).toEqual(["c2"]);
    expect(rows.find((r) => r.product === "sugar")?.reason).toBe(
      "bought tea (last 2024-01-10), not sugar: lift 0.89, confidence 0.67",
    );
  });

  it("TC-02 A: one-item orders stay in N; no rule involves honey", async () => {
    const {baskets, rules, supports} = await mineLines(
      [["O1", "bread"], ["O2", "bread"], ["O2", "jam"], ["O3", "jam"], ["O4", "bread"], ["O4", "jam"], ["O5", "honey"]],
      {...loose, minCount: 2},
    );
    expect(baskets).toBe(5);
    expect(supports).toEqual([{item: "bread", support: 0.6}, {item: "jam", support: 0.6}]);
    expect(sortByRule(rules)).toEqual([
      {rule: "bread → jam", support: 0.4, confidence: 0.6667, lift: 1.1111, count: 2},
      {rule: "jam → bread", support: 0.4, confidence: 0.6667, lift: 1.1111, count: 2},
    ]);
  });

  it("TC-02 B: no pair at all gives zero rules and supports of 1/3", async () => {
    const {baskets, rules, supports} = await mineLines([["O1", "bread"], ["O2", "jam"], ["O3", "honey"]]);
    expect(baskets).toBe(3);
    expect(rules).toEqual([]);
    expect(supports.map((s) => round(s.support))).toEqual([0.3333, 0.3333, 0.3333]);
  });

  it("keeps a 3-item rule only when it beats both 2-item sub-rules", async () => {
    // Baskets: 2 × {a,b,c}, 1 × {a,c}, 1 × {b}, 1 × {a,b}.
    // {a,b} → c: 2/3 = 0.6667; a → c: 3/4 = 0.75, so it is redundant.
    // {a,c} → b: 2/3; a → b: 3/4 → redundant. {b,c} → a: 2/2 = 1 > b → a 3/4 and c → a 3/3? c → a = 1 → redundant.
    const {rules} = await mineLines([
      ["O1", "a"], ["O1", "b"], ["O1", "c"], ["O2", "a"], ["O2", "b"], ["O2", "c"],
      ["O3", "a"], ["O3", "c"], ["O4", "b"], ["O5", "a"], ["O5", "b"],
    ]);
    expect(rules.filter((r) => r.rule.includes(";"))).toEqual([]);
    // Now make c depend on the pair: {a,b} in 3 baskets all with c; a and b alone without c.
    const second = await mineLines([
      ["O1", "a"], ["O1", "b"], ["O1", "c"], ["O2", "a"], ["O2", "b"], ["O2", "c"],
      ["O3", "a"], ["O4", "b"], ["O5", "a"], ["O6", "b"],
    ]);
    // {a,b} → c: 2/2 = 1 > a → c (2/4) and b → c (2/4); lift = 1 / (2/6) = 3.
    expect(second.rules.filter((r) => r.rule.includes(";"))).toEqual([
      {rule: "a; b → c", support: 0.3333, confidence: 1, lift: 3, count: 2},
    ]);
  });

  it("an empty warehouse gives no baskets, no rules and empty lists", async () => {
    db = await openDatabase(":memory:");
    await ensureSchema(db.connection);
    const settings = parseSettings({});
    const prep = await prepareProducts(db.connection, "2024-01-25", settings);
    expect(prep.baskets).toBe(0);
    expect(await ruleRows(db.connection)).toEqual([]);
    for (const list of ["cross-sell", "reorder", "seasonal", "researched"] as const) {
      expect(await productListRows(db.connection, list, "2024-01-25", settings)).toEqual([]);
    }
  });
});

describe("replenishment", () => {
  it("finds a 17-day cycle, reminds on day 14, and counts two orders on one day once (TC-05)", async () => {
    db = await openDatabase(":memory:");
    await ensureSchema(db.connection);
    const orders = [
      ["o1", "c1", "2024-01-01 09:00"], ["o2", "c1", "2024-01-18 09:00"],
      ["o3", "c1", "2024-02-04 09:00"], ["o4", "c1", "2024-02-04 17:30"], // same day: one purchase
      ["o5", "c2", "2024-02-01 10:00"], ["o6", "c2", "2024-02-18 10:00"],
    ];
    await run(
      db.connection,
      `INSERT INTO orders VALUES ${orders.map(([o, c, t]) => `('${o}', '${c}', TIMESTAMPTZ '${t}:00+00', 9, 'GBP', 'paid', 'd')`).join(", ")};
       INSERT INTO order_items (order_id, line, sku, product, quantity) VALUES
         ${orders.map(([o]) => `('${o}', 1, 'BEANS', 'Coffee beans', 1)`).join(", ")}`,
      "test",
    );
    const settings = parseSettings({});
    await prepareProducts(db.connection, "2024-02-20", settings);
    expect(await queryRows(db.connection, "SELECT item, gaps, customers, cycle_days, p25_days, p75_days, trigger_day FROM product_cycles", "test"))
      .toEqual([{item: "BEANS", gaps: 3, customers: 2, cycle_days: 17, p25_days: 17, p75_days: 17, trigger_day: 14}]);
    // c1 last bought 16 days ago (≥ 14, ≤ 34): due. c2 bought 2 days ago: not yet.
    const due = await productListRows(db.connection, "reorder", "2024-02-20", settings);
    expect(due.map((r) => [r.customer_id, r.reason])).toEqual([
      ["c1", "last bought 16 days ago; cycle 17 days, reminder from day 14"],
    ]);
  });

  it("one customer with one order has no cycle and no list rows", async () => {
    db = await openDatabase(":memory:");
    await ensureSchema(db.connection);
    await run(
      db.connection,
      `INSERT INTO orders VALUES ('o1', 'c1', TIMESTAMPTZ '2024-01-10 10:00:00+00', 5, 'GBP', 'paid', 'd');
       INSERT INTO order_items (order_id, line, sku, product, quantity) VALUES ('o1', 1, 'tea', 'tea', 1)`,
      "test",
    );
    const settings = parseSettings({});
    const prep = await prepareProducts(db.connection, "2024-01-25", settings);
    expect(prep.baskets).toBe(1);
    expect(await ruleRows(db.connection)).toEqual([]);
    expect(await productListRows(db.connection, "reorder", "2024-01-25", settings)).toEqual([]);
  });
});
