import type {DuckDBConnection} from "@duckdb/node-api";
import {queryNumber, queryRows, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {forgetProductPreparation} from "./lists.js";
import {createEventZoneOffsets, customerZonesSql, localDateSql, offsetJoinSql} from "../activity/local-time.js";

/** What one mining run counts: the thresholds, with the itemset size capped at 3. */
export interface MiningOptions {
  minSupport: number;
  minCount: number;
  minConfidence: number;
  maxItemsetSize: number;
}

/** One association rule, with the counts behind each ratio so a reader can check it. */
export interface RuleRow {
  antecedent: string;
  consequent: string;
  antecedent_items: string[];
  consequent_item: string;
  size: number;
  support: number;
  confidence: number;
  lift: number;
  count: number;
  antecedent_count: number;
  consequent_count: number;
  baskets: number;
}

/**
 * The paid order lines of a window as temp table product_lines(order_id, customer_id, local_date,
 * item, label), one row per line (duplicates included: mining removes them).
 *
 * Dates are local calendar dates in the customer's zone (the shop's zone when unknown), so the
 * window and every day count agree with the tags. At product level an item is the SKU and its
 * label the product name; at category level both are the category, and lines without one are
 * left out.
 *
 * @param windowDays Local days up to and including the as-of date; undefined takes all history.
 */
export async function createLines(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
  level: "product" | "category",
  windowDays?: number,
): Promise<void> {
  const item = level === "product" ? "i.sku" : "lower(trim(i.category))";
  const label = level === "product" ? "coalesce(nullif(trim(i.product), ''), i.sku)" : "lower(trim(i.category))";
  const since = windowDays === undefined ? "" : `AND local_date > CAST($asOf AS DATE) - ${windowDays}`;
  forgetProductPreparation(connection);
  await createEventZoneOffsets(connection, customerZonesSql(settings.ingest.timeZone), `product lines as of ${asOf}`);
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_lines AS
     WITH zone AS (
       SELECT customer_id, any_value(time_zone) AS time_zone FROM customer_basics
       WHERE as_of = (SELECT max(as_of) FROM customer_basics WHERE as_of <= CAST($asOf AS DATE))
       GROUP BY customer_id),
     zoned AS (
       SELECT o.order_id, o.customer_id, o.ordered_at,
         CASE WHEN z.time_zone IS NULL OR z.time_zone = 'unknown' THEN ${sqlString(settings.ingest.timeZone)}
              ELSE z.time_zone END AS zone
       FROM orders o LEFT JOIN zone z USING (customer_id) WHERE o.status = 'paid'),
     local AS (
       SELECT x.order_id, x.customer_id, ${localDateSql("x.ordered_at", "x.zone", "zo")} AS local_date
       FROM zoned x LEFT JOIN zone_hour_offsets zo ON ${offsetJoinSql("x.ordered_at", "x.zone", "zo")})
     SELECT o.order_id, o.customer_id, o.local_date, ${item} AS item, ${label} AS label
     FROM local o JOIN order_items i USING (order_id)
     WHERE ${item} IS NOT NULL AND ${item} <> '' AND local_date <= CAST($asOf AS DATE) ${since}`,
    `product lines as of ${asOf}`,
    {asOf},
  );
}

/**
 * Mines frequent itemsets (up to 3 items) and association rules from temp table product_lines,
 * leaving temp tables product_baskets, product_itemsets(items, size, count, support) and
 * product_rules, and returns the number of baskets N.
 *
 * Each order becomes the set of its distinct items first, so a product on two lines or with a
 * quantity of 3 is in its basket once (TC-01: counting line pairs gives confidences above 1).
 * Every order with an item is a basket, one-item orders included: they are real purchases and
 * belong in N and in single-item supports (TC-02). Pairs are counted by a self-join of baskets
 * restricted to frequent items with a < b; triples only for candidates whose three pairs are all
 * frequent (Apriori). Rules have one consequent item. A 3-item rule {A, B} → C is kept only when
 * its confidence is above both A → C and B → C, since otherwise B adds nothing to A (redundant).
 */
export async function mineRules(connection: DuckDBConnection, options: MiningOptions): Promise<number> {
  forgetProductPreparation(connection);
  const label = "association rules";
  if (options.maxItemsetSize < 2 || options.maxItemsetSize > 3) {
    throw new Error(`association rules: maxItemsetSize must be 2 or 3, got ${options.maxItemsetSize}`);
  }
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_baskets AS SELECT DISTINCT order_id, item FROM product_lines;
     CREATE OR REPLACE TEMP TABLE product_labels AS
       SELECT item, mode(label) AS label FROM product_lines GROUP BY item`,
    label,
  );
  const baskets = await queryNumber(connection, "SELECT count(DISTINCT order_id) FROM product_baskets", label);
  // The same threshold as support >= minSupport, in whole baskets (the 1e-9 absorbs float error).
  const minCount = Math.max(options.minCount, Math.ceil(options.minSupport * baskets - 1e-9), 1);
  const n = Math.max(baskets, 1);
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_f1 AS
       SELECT item AS a, count(*) AS n FROM product_baskets GROUP BY item HAVING count(*) >= ${minCount};
     CREATE OR REPLACE TEMP TABLE product_fb AS
       SELECT b.order_id, b.item FROM product_baskets b SEMI JOIN product_f1 f ON f.a = b.item;
     CREATE OR REPLACE TEMP TABLE product_f2 AS
       SELECT x.item AS a, y.item AS b, count(*) AS n
       FROM product_fb x JOIN product_fb y ON x.order_id = y.order_id AND x.item < y.item
       GROUP BY ALL HAVING count(*) >= ${minCount};
     CREATE OR REPLACE TEMP TABLE product_f3 (a VARCHAR, b VARCHAR, c VARCHAR, n BIGINT)`,
    label,
  );
  if (options.maxItemsetSize >= 3) {
    await run(
      connection,
      `INSERT INTO product_f3
       WITH candidates AS (
         SELECT x.a, x.b, y.b AS c FROM product_f2 x
         JOIN product_f2 y ON y.a = x.a AND x.b < y.b
         SEMI JOIN product_f2 z ON z.a = x.b AND z.b = y.b),
       pairs AS (
         -- Baskets holding a frequent pair, joined to a third item that completes a candidate.
         SELECT x.order_id, x.item AS a, y.item AS b FROM product_fb x
         JOIN product_fb y ON x.order_id = y.order_id AND x.item < y.item
         SEMI JOIN candidates c ON c.a = x.item AND c.b = y.item)
       SELECT p.a, p.b, z.item AS c, count(*) AS n
       FROM pairs p JOIN product_fb z ON z.order_id = p.order_id AND z.item > p.b
       SEMI JOIN candidates c ON c.a = p.a AND c.b = p.b AND c.c = z.item
       GROUP BY ALL HAVING count(*) >= ${minCount}`,
      label,
    );
  }
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_itemsets AS
       SELECT [a] AS items, 1 AS size, n AS count, n / ${n} AS support FROM product_f1
       UNION ALL SELECT [a, b], 2, n, n / ${n} FROM product_f2
       UNION ALL SELECT [a, b, c], 3, n, n / ${n} FROM product_f3;
     CREATE OR REPLACE TEMP TABLE product_rules AS
     WITH pair_rules AS (
       SELECT a AS x, NULL::VARCHAR AS y, b AS c, n FROM product_f2
       UNION ALL SELECT b, NULL, a, n FROM product_f2),
     triple_rules AS (
       SELECT a AS x, b AS y, c, n FROM product_f3
       UNION ALL SELECT a, c, b, n FROM product_f3
       UNION ALL SELECT b, c, a, n FROM product_f3),
     pair_conf AS (
       SELECT r.x, r.c, r.n, r.n / f.n AS confidence FROM pair_rules r JOIN product_f1 f ON f.a = r.x),
     scored AS (
       SELECT r.x, r.y, r.c AS consequent_item, 2 AS size, r.n AS count,
              fx.n AS antecedent_count, r.n / fx.n AS confidence
       FROM pair_rules r JOIN product_f1 fx ON fx.a = r.x
       UNION ALL
       SELECT r.x, r.y, r.c, 3, r.n, fxy.n, r.n / fxy.n
       FROM triple_rules r
       JOIN product_f2 fxy ON fxy.a = r.x AND fxy.b = r.y
       JOIN pair_conf px ON px.x = r.x AND px.c = r.c
       JOIN pair_conf py ON py.x = r.y AND py.c = r.c
       WHERE r.n / fxy.n > greatest(px.confidence, py.confidence))
     SELECT concat_ws('; ', lx.label, ly.label) AS antecedent, lc.label AS consequent,
            list_filter([s.x, s.y], i -> i IS NOT NULL) AS antecedent_items, s.consequent_item, s.size,
            s.count / ${n} AS support, s.confidence, s.confidence / (fc.n / ${n}) AS lift,
            s.count, s.antecedent_count, fc.n AS consequent_count, ${baskets} AS baskets
     FROM scored s JOIN product_f1 fc ON fc.a = s.consequent_item
     JOIN product_labels lx ON lx.item = s.x LEFT JOIN product_labels ly ON ly.item = s.y
     JOIN product_labels lc ON lc.item = s.consequent_item
     WHERE s.confidence >= ${options.minConfidence}`,
    label,
  );
  return baskets;
}

/** The rules mined last, strongest first (lift, then count). */
export async function ruleRows(connection: DuckDBConnection, limit?: number): Promise<RuleRow[]> {
  return queryRows<RuleRow>(
    connection,
    `SELECT * FROM product_rules ORDER BY lift DESC, count DESC, antecedent, consequent
     ${limit === undefined ? "" : `LIMIT ${Math.trunc(limit)}`}`,
    "association rules",
  );
}

/** Mining options from the settings, with command-line overrides. */
export function miningOptions(settings: Settings, overrides: Partial<MiningOptions> = {}): MiningOptions {
  const p = settings.products;
  return {
    minSupport: overrides.minSupport ?? p.minSupport,
    minCount: overrides.minCount ?? p.minCount,
    minConfidence: overrides.minConfidence ?? p.minConfidence,
    maxItemsetSize: overrides.maxItemsetSize ?? p.maxItemsetSize,
  };
}

/**
 * Sequential rules "A, then B within d local days" across each customer's orders, as temp table
 * product_sequences, from product_lines (which should cover the history, not just the rule window).
 *
 * Counted over customers: support = customers with A then B / customers with any order,
 * confidence = customers with A then B / customers with A, lift = confidence / share of customers
 * with B. "Then" means a later local day than some purchase of A; the same product twice is a
 * replenishment cycle, not a sequence, so A = B is left out.
 */
export async function mineSequences(
  connection: DuckDBConnection,
  options: MiningOptions & {withinDays: number},
): Promise<void> {
  forgetProductPreparation(connection);
  const label = "sequential rules";
  const customers = await queryNumber(connection, "SELECT count(DISTINCT customer_id) FROM product_lines", label);
  const n = Math.max(customers, 1);
  const minCount = Math.max(options.minCount, Math.ceil(options.minSupport * customers - 1e-9), 1);
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_labels AS
       SELECT item, mode(label) AS label FROM product_lines GROUP BY item;
     CREATE OR REPLACE TEMP TABLE product_sequences AS
     WITH days AS (SELECT DISTINCT customer_id, item, local_date FROM product_lines),
     item_customers AS (
       SELECT item, count(DISTINCT customer_id) AS n FROM days GROUP BY item HAVING count(DISTINCT customer_id) >= ${minCount}),
     frequent AS (SELECT d.* FROM days d SEMI JOIN item_customers f ON f.item = d.item),
     pairs AS (
       SELECT a.item AS a, b.item AS b, count(DISTINCT a.customer_id) AS n
       FROM frequent a JOIN frequent b
         ON a.customer_id = b.customer_id AND a.item <> b.item
        AND b.local_date > a.local_date AND b.local_date <= a.local_date + ${options.withinDays}
       GROUP BY ALL HAVING count(DISTINCT a.customer_id) >= ${minCount})
     SELECT (SELECT label FROM product_labels l WHERE l.item = p.a) AS first,
            (SELECT label FROM product_labels l WHERE l.item = p.b) AS "then",
            p.a AS first_item, p.b AS then_item, ${options.withinDays} AS within_days,
            p.n / ${n} AS support, p.n / fa.n AS confidence, (p.n / fa.n) / (fb.n / ${n}) AS lift,
            p.n AS count, fa.n AS first_count, fb.n AS then_count, ${customers} AS customers
     FROM pairs p JOIN item_customers fa ON fa.item = p.a JOIN item_customers fb ON fb.item = p.b
     WHERE p.n / fa.n >= ${options.minConfidence}`,
    label,
  );
}
