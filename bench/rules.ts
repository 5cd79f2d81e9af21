import type {DuckDBConnection} from "@duckdb/node-api";
import {FPGrowth} from "node-fpgrowth";

/** One rule, reduced to what both miners must agree on. */
export interface RuleKey {
  antecedent: string[];
  consequent: string;
  count: number;
  antecedentCount: number;
  consequentCount: number;
  support: number;
  confidence: number;
  lift: number;
}

/** Baskets as arrays of item numbers, and the item names behind the numbers. */
export interface Baskets {
  transactions: number[][];
  items: string[];
}

/**
 * The distinct items of each order in temp table product_lines (what tagbook mines), numbered so
 * the reference miner works on numbers rather than text.
 */
export async function loadBaskets(connection: DuckDBConnection): Promise<Baskets> {
  const names = (await connection.runAndReadAll(
    "SELECT DISTINCT item FROM product_lines ORDER BY item",
  )).getRows().map((r) => String(r[0]));
  const number = new Map(names.map((name, i) => [name, i]));
  const result = await connection.run(
    `SELECT order_id, list(DISTINCT item) FROM product_lines GROUP BY order_id`,
  );
  const transactions: number[][] = [];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (const row of chunk.getRows()) {
      const list = row[1] as unknown as {items: string[]};
      transactions.push(list.items.map((item) => number.get(item)!));
    }
  }
  return {transactions, items: names};
}

/**
 * Mines the baskets with node-fpgrowth at the same minimum count tagbook uses, then forms the
 * same rules from its itemsets (one consequent, itemsets of at most 3 items, a 3-item rule kept
 * only when its confidence beats both of its pair rules). Returns the mining time separately:
 * forming rules from finished itemsets is a few thousand divisions.
 */
export async function referenceRules(
  baskets: Baskets,
  minCount: number,
  minConfidence: number,
): Promise<{seconds: number; rules: RuleKey[]}> {
  const n = baskets.transactions.length;
  const started = performance.now();
  // node-fpgrowth keeps itemsets with count >= ceil(support × N); half a basket below minCount
  // makes that ceiling exactly minCount, with no float rounding either way.
  const itemsets = await new FPGrowth<number>((minCount - 0.5) / n).exec(baskets.transactions);
  const seconds = (performance.now() - started) / 1000;

  const counts = new Map<string, number>();
  for (const set of itemsets) {
    if (set.items.length > 3) continue;
    counts.set([...set.items].sort((a, b) => a - b).join(","), set.support);
  }
  const count = (items: number[]) => counts.get([...items].sort((a, b) => a - b).join(","));
  const rules: RuleKey[] = [];
  const name = (i: number) => baskets.items[i]!;
  for (const [key, together] of counts) {
    const items = key.split(",").map(Number);
    if (items.length < 2) continue;
    for (const consequent of items) {
      const antecedent = items.filter((i) => i !== consequent);
      const confidence = together / count(antecedent)!;
      if (antecedent.length === 2) {
        const best = Math.max(...antecedent.map((a) => count([a, consequent])! / count([a])!));
        if (!(confidence > best)) continue;
      }
      if (confidence < minConfidence) continue;
      const consequentCount = count([consequent])!;
      rules.push({
        antecedent: antecedent.map(name).sort(),
        consequent: name(consequent),
        count: together,
        antecedentCount: count(antecedent)!,
        consequentCount,
        support: together / n,
        confidence,
        lift: confidence / (consequentCount / n),
      });
    }
  }
  return {seconds, rules};
}

/** The rules tagbook left in temp table product_rules. */
export async function tagbookRules(connection: DuckDBConnection): Promise<RuleKey[]> {
  const rows = (await connection.runAndReadAll(
    `SELECT antecedent_items, consequent_item, count, antecedent_count, consequent_count,
            support, confidence, lift FROM product_rules`,
  )).getRowsJS();
  return rows.map((r) => ({
    antecedent: (r[0] as string[]).map(String).sort(),
    consequent: String(r[1]),
    count: Number(r[2]),
    antecedentCount: Number(r[3]),
    consequentCount: Number(r[4]),
    support: Number(r[5]),
    confidence: Number(r[6]),
    lift: Number(r[7]),
  }));
}

/** Differences between two rule sets (empty when they agree); ratios compared to 1e-9. */
export function diffRules(a: RuleKey[], b: RuleKey[], limit = 5): string[] {
  const key = (r: RuleKey) => `${r.antecedent.join(" + ")} → ${r.consequent}`;
  const byKey = new Map(b.map((r) => [key(r), r]));
  const out: string[] = [];
  if (a.length !== b.length) out.push(`${a.length} rules against ${b.length}`);
  for (const r of a) {
    const other = byKey.get(key(r));
    if (!other) out.push(`only in tagbook: ${key(r)}`);
    else {
      for (const field of ["count", "antecedentCount", "consequentCount"] as const) {
        if (r[field] !== other[field]) out.push(`${key(r)}: ${field} ${r[field]} against ${other[field]}`);
      }
      for (const field of ["support", "confidence", "lift"] as const) {
        if (Math.abs(r[field] - other[field]) > 1e-9 * Math.max(1, Math.abs(r[field]))) {
          out.push(`${key(r)}: ${field} ${r[field]} against ${other[field]}`);
        }
      }
    }
    if (out.length >= limit) return out;
  }
  const mine = new Set(a.map(key));
  for (const r of b) if (!mine.has(key(r)) && out.length < limit) out.push(`only in the reference: ${key(r)}`);
  return out;
}
