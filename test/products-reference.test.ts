import {existsSync} from "node:fs";
import {FPGrowth} from "node-fpgrowth";
import {afterEach, describe, expect, it} from "vitest";
import {onlineRetailAdapter} from "../lib/adapters/online-retail.js";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "../lib/duckdb.js";
import {ingest} from "../lib/ingest.js";
import {createLines, mineRules} from "../lib/products/mine.js";
import {parseSettings} from "../lib/settings/index.js";
import {realdata} from "./helpers/realdata.js";

// The DuckDB miner must find exactly the itemsets (size ≤ 3) and counts that an independent
// FP-growth implementation (node-fpgrowth) finds on the same baskets.

const UCI = realdata("uci-online-retail", "online_retail_first_week_clean_10k.csv");

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

/** A small deterministic generator (mulberry32), so the random baskets are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Itemsets = Map<string, number>;

async function reference(baskets: string[][], minSupport: number): Promise<Itemsets> {
  const found = await new FPGrowth<string>(minSupport).exec(baskets);
  const out: Itemsets = new Map();
  for (const set of found) {
    if (set.items.length > 3) continue;
    out.set([...set.items].sort().join("|"), set.support);
  }
  return out;
}

async function ours(connection: Database["connection"], minSupport: number): Promise<Itemsets> {
  await mineRules(connection, {minSupport, minCount: 1, minConfidence: 0, maxItemsetSize: 3});
  const rows = await queryRows<{items: string[]; count: number}>(
    connection,
    "SELECT items, count FROM product_itemsets",
    "test",
  );
  return new Map(rows.map((r) => [[...r.items].sort().join("|"), r.count]));
}

function sorted(map: Itemsets): [string, number][] {
  return [...map.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

describe("association rules agree with node-fpgrowth", () => {
  it("on 400 seeded random baskets with repeated lines", async () => {
    const next = random(20240125);
    const items = Array.from({length: 14}, (_, i) => `p${String(i).padStart(2, "0")}`);
    const lines: [string, string][] = [];
    const baskets: string[][] = [];
    for (let o = 0; o < 400; o++) {
      const basket = new Set<string>();
      // Skewed popularity, so some pairs and triples are frequent and most are not.
      for (const [i, item] of items.entries()) if (next() < 0.6 / (1 + i * 0.5)) basket.add(item);
      if (basket.size === 0) basket.add(items[Math.floor(next() * items.length)]!);
      for (const item of basket) {
        lines.push([`o${o}`, item]);
        if (next() < 0.2) lines.push([`o${o}`, item]); // a repeated line must not count twice
      }
      baskets.push([...basket]);
    }
    db = await openDatabase(":memory:");
    await run(
      db.connection,
      `CREATE TEMP TABLE product_lines AS SELECT * FROM (VALUES ${lines
        .map(([o, i]) => `('${o}', 'c', DATE '2024-01-01', '${i}', '${i}')`)
        .join(", ")}) t(order_id, customer_id, local_date, item, label)`,
      "test",
    );
    const expected = await reference(baskets, 0.03);
    const actual = await ours(db.connection, 0.03);
    expect([...expected.keys()].some((k) => k.split("|").length === 3)).toBe(true);
    expect(sorted(actual)).toEqual(sorted(expected));
  });

  it.skipIf(!existsSync(UCI) && !process.env.CI)("on the UCI first-week file (real baskets)", async () => {
    if (!existsSync(UCI)) throw new Error(`real data missing in CI: ${UCI}`);
    db = await openDatabase(":memory:");
    await ingest(db.connection, onlineRetailAdapter, UCI, parseSettings({}));
    const [first] = await queryRows<{asOf: string}>(
      db.connection,
      "SELECT strftime(max(ordered_at), '%Y-%m-%d') AS asOf FROM orders",
      "test",
    );
    // Baskets for the reference come straight from the tables, deduplicated in JS.
    const rows = await queryRows<{order_id: string; sku: string}>(
      db.connection,
      "SELECT o.order_id, i.sku FROM orders o JOIN order_items i USING (order_id) WHERE o.status = 'paid'",
      "test",
    );
    const byOrder = new Map<string, Set<string>>();
    for (const r of rows) (byOrder.get(r.order_id) ?? byOrder.set(r.order_id, new Set()).get(r.order_id)!).add(r.sku);
    const baskets = [...byOrder.values()].map((s) => [...s]);

    await createLines(db.connection, first!.asOf, parseSettings({}), "product", 3650);
    const expected = await reference(baskets, 0.02);
    const actual = await ours(db.connection, 0.02);
    expect(baskets.length).toBeGreaterThan(300);
    expect([...expected.keys()].some((k) => k.split("|").length === 2)).toBe(true);
    expect(sorted(actual)).toEqual(sorted(expected));
  }, 60_000);
});
