import type {DuckDBConnection} from "@duckdb/node-api";
import {daysAgoSql, queryNumber, queryRows, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {localDateSql, offsetJoinSql} from "../activity/local-time.js";
import {createLines, miningOptions, mineRules, mineSequences, type MiningOptions} from "./mine.js";

/** The per-customer product lists; each is a download and a segment source. */
export const PRODUCT_LISTS = ["cross-sell", "reorder", "seasonal", "researched"] as const;
export type ProductList = (typeof PRODUCT_LISTS)[number];

/** What `prepareProducts` measured, for logs and the page. */
export interface ProductPreparation {
  baskets: number;
  level: "product" | "category";
  options: MiningOptions;
  historyStart: string | null;
  mineSeconds: number;
}

/**
 * Builds every temp table the product report and lists read, as of a date: product_rules and
 * product_itemsets (the rule window), product_history (all lines of the longest history setting),
 * product_sequences, product_cycles, product_seasons and product_browse.
 *
 * Lists are computed from these tables rather than stored, so a segment built from a list always
 * agrees with the rules on the page for the same drop and settings.
 */
export async function prepareProducts(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
  overrides: Partial<MiningOptions> & {level?: "product" | "category"} = {},
): Promise<ProductPreparation> {
  const key = JSON.stringify([asOf, settings, overrides, await productDataVersion(connection)]);
  const cached = preparedFor.get(connection);
  if (cached?.key === key && (await productTablesExist(connection))) return cached.result;
  const p = settings.products;
  const level = overrides.level ?? p.level;
  const options = miningOptions(settings, overrides);
  const started = performance.now();
  await createLines(connection, asOf, settings, level, p.windowDays);
  const baskets = await mineRules(connection, options);
  const mineSeconds = (performance.now() - started) / 1000;

  const historyDays = Math.max(p.sequential.historyDays, p.seasons.historyDays, p.windowDays);
  await createLines(connection, asOf, settings, level, historyDays);
  await run(connection, "CREATE OR REPLACE TEMP TABLE product_history AS SELECT * FROM product_lines", "product history");
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_lines AS
     SELECT * FROM product_history WHERE local_date > CAST($asOf AS DATE) - ${p.sequential.historyDays}`,
    "product history",
    {asOf},
  );
  await mineSequences(connection, {...options, withinDays: p.sequential.withinDays});
  await createCycles(connection, asOf, settings);
  await createSeasons(connection, asOf, settings);
  await createBrowse(connection, asOf, settings);
  const [first] = await queryRows<{d: string | null}>(
    connection,
    "SELECT strftime(min(local_date), '%Y-%m-%d') AS d FROM product_history",
    "product history",
  );
  const result = {baskets, level, options, historyStart: first?.d ?? null, mineSeconds};
  preparedFor.set(connection, {key, result});
  return result;
}

/**
 * What prepareProducts last built on each connection, and for which inputs. The site's downloads
 * ask for several lists of one drop in a row, and each preparation took about ten seconds on
 * 100k customers. createLines, mineRules and mineSequences forget it: they rewrite its tables.
 */
const preparedFor = new WeakMap<DuckDBConnection, {key: string; result: ProductPreparation}>();

export function forgetProductPreparation(connection: DuckDBConnection): void {
  preparedFor.delete(connection);
}

const PRODUCT_TABLES = ["product_rules", "product_history", "product_lines", "product_sequences", "product_cycles",
  "product_seasons", "product_browse"];

async function productTablesExist(connection: DuckDBConnection): Promise<boolean> {
  const n = await queryNumber(
    connection,
    `SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name IN (${PRODUCT_TABLES.map(sqlString).join(", ")})`,
    "product tables",
  );
  return n === PRODUCT_TABLES.length;
}

/** A fingerprint of the tables the product lists read, so a new drop on the same connection rebuilds. */
async function productDataVersion(connection: DuckDBConnection): Promise<string> {
  const rows = await queryRows(
    connection,
    `SELECT (SELECT count(*) FROM orders) AS o, (SELECT max(ordered_at) FROM orders) AS ot,
       (SELECT count(*) FROM order_items) AS i, (SELECT count(*) FROM web_events) AS w,
       (SELECT max("at") FROM web_events) AS wt, (SELECT count(*) FROM customer_basics) AS b,
       (SELECT max(as_of) FROM customer_basics) AS d`,
    "product data version",
  );
  return JSON.stringify(rows[0]);
}

/**
 * Replenishment cycles per item as temp table product_cycles: the gaps in whole local days
 * between one customer's consecutive purchase days of the item. Several orders on one local day
 * are one purchase (TC-05), so a same-day top-up never makes a 0-day cycle. The cycle is the
 * median gap (rounded to a day) with the quartiles as spread; the trigger day is the cycle minus
 * the lead, never before day 1.
 */
async function createCycles(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const r = settings.products.replenishment;
  // product_history spans the longest history any list needs (seasons look back two years);
  // cycles, like sequences, read only sequential.historyDays of it.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_cycles AS
     WITH days AS (
       SELECT DISTINCT customer_id, item, local_date FROM product_history
       WHERE local_date > CAST($asOf AS DATE) - ${settings.products.sequential.historyDays}),
     gaps AS (
       SELECT customer_id, item,
         local_date - lag(local_date) OVER (PARTITION BY customer_id, item ORDER BY local_date) AS gap
       FROM days)
     SELECT g.item, (SELECT mode(label) FROM product_history h WHERE h.item = g.item) AS product,
       count(*) AS gaps, count(DISTINCT customer_id) AS customers,
       CAST(round(quantile_cont(gap, 0.5)) AS INTEGER) AS cycle_days,
       quantile_cont(gap, 0.25) AS p25_days, quantile_cont(gap, 0.75) AS p75_days,
       greatest(CAST(round(quantile_cont(gap, 0.5)) AS INTEGER) - ${r.leadDays}, 1) AS trigger_day
     FROM gaps g WHERE gap IS NOT NULL GROUP BY g.item
     HAVING count(*) >= ${r.minGaps} AND count(DISTINCT customer_id) >= ${r.minCustomers}
       AND quantile_cont(gap, 0.75) - quantile_cont(gap, 0.25) <= ${r.maxSpread} * quantile_cont(gap, 0.5)`,
    "replenishment cycles",
    {asOf},
  );
}

/**
 * Seasonal items as temp table product_seasons: for each item, the run of `months` calendar
 * months (wrapping over the new year) holding the largest share of its orders, kept when that
 * share and the order count pass the settings. Needs a full year of history; with less, no item
 * is called seasonal (a one-month export would make everything look seasonal).
 */
async function createSeasons(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const s = settings.products.seasons;
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_seasons AS
     WITH lines AS (
       SELECT DISTINCT order_id, customer_id, item, label, local_date FROM product_history
       WHERE local_date > CAST($asOf AS DATE) - ${s.historyDays}),
     span AS (SELECT CAST($asOf AS DATE) - min(local_date) >= 365 AS full_year FROM lines),
     monthly AS (SELECT item, month(local_date) AS m, count(*) AS n FROM lines GROUP BY ALL),
     totals AS (SELECT item, sum(n) AS total FROM monthly GROUP BY item),
     windows AS (
       SELECT t.item, s.start_month, t.total,
         coalesce((SELECT sum(n) FROM monthly x WHERE x.item = t.item
                    AND (x.m - s.start_month + 12) % 12 < ${s.months}), 0) AS in_season
       FROM totals t CROSS JOIN range(1, 13) s(start_month)
       WHERE t.total >= ${s.minOrders} AND (SELECT full_year FROM span)),
     peak AS (
       SELECT item, arg_max(start_month, in_season) AS start_month, max(in_season) AS in_season,
              any_value(total) AS total
       FROM windows GROUP BY item),
     dated AS (
       SELECT p.*, in_season / total AS share,
         CASE WHEN make_date(year(CAST($asOf AS DATE)), CAST(start_month AS INTEGER), 1) >= CAST($asOf AS DATE)
              THEN make_date(year(CAST($asOf AS DATE)), CAST(start_month AS INTEGER), 1)
              ELSE make_date(year(CAST($asOf AS DATE)) + 1, CAST(start_month AS INTEGER), 1) END AS next_start
       FROM peak p WHERE in_season / total >= ${s.minShare})
     SELECT d.item, (SELECT mode(label) FROM lines l WHERE l.item = d.item) AS product,
       CAST(d.start_month AS INTEGER) AS start_month, ${s.months} AS months, d.share,
       d.in_season AS season_orders, d.total AS orders,
       CAST(d.next_start - INTERVAL 1 YEAR AS DATE) AS last_start,
       CAST(d.next_start - INTERVAL 1 YEAR + INTERVAL ${s.months} MONTH AS DATE) AS last_end,
       d.next_start, d.next_start - ${s.reminderDays} AS remind_on
     FROM dated d`,
    "seasons",
    {asOf},
  );
}

/**
 * Browse depth per customer and SKU as temp table product_browse: page views in the window,
 * the longest single view and the highest price seen, for SKUs the customer has no paid order of.
 * Reads zone_hour_offsets, which createLines has built for every zone and the events' span.
 */
async function createBrowse(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const b = settings.products.browse;
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE product_browse AS
     WITH zone AS (
       SELECT customer_id, any_value(time_zone) AS time_zone FROM customer_basics
       WHERE as_of = (SELECT max(as_of) FROM customer_basics WHERE as_of <= CAST($asOf AS DATE))
       GROUP BY customer_id),
     zoned AS (
       SELECT customer_id, CASE WHEN time_zone IS NULL OR time_zone = 'unknown'
                                THEN ${sqlString(settings.ingest.timeZone)} ELSE time_zone END AS zone
       FROM zone),
     views AS (
       SELECT v.*, ${localDateSql("v.at", "v.zone", "zw")} AS local_date
       FROM (SELECT w.*, coalesce(z.zone, ${sqlString(settings.ingest.timeZone)}) AS zone
             FROM web_events w LEFT JOIN zoned z USING (customer_id)
             WHERE w.kind = 'page_view' AND w.sku IS NOT NULL) v
       LEFT JOIN zone_hour_offsets zw ON ${offsetJoinSql("v.at", "v.zone", "zw")}),
     ordered AS (
       -- What each customer ordered on or before the as-of date, by their own calendar like the views.
       SELECT DISTINCT x.customer_id, x.sku FROM (
         SELECT o.customer_id, i.sku, o.ordered_at, coalesce(z.zone, ${sqlString(settings.ingest.timeZone)}) AS zone
         FROM orders o JOIN order_items i USING (order_id) LEFT JOIN zoned z ON z.customer_id = o.customer_id
         WHERE o.status = 'paid') x
       LEFT JOIN zone_hour_offsets zo ON ${offsetJoinSql("x.ordered_at", "x.zone", "zo")}
       WHERE ${localDateSql("x.ordered_at", "x.zone", "zo")} <= CAST($asOf AS DATE))
     SELECT v.customer_id, v.sku AS item,
       coalesce((SELECT any_value(i.product) FROM order_items i WHERE i.sku = v.sku), v.sku) AS product,
       count(*) AS views, max(v.duration_s) AS longest_view_s, max(v.price) AS price,
       max(v.local_date) AS last_viewed
     FROM views v
     WHERE v.local_date <= CAST($asOf AS DATE) AND v.local_date > CAST($asOf AS DATE) - ${b.windowDays}
       AND NOT EXISTS (
         SELECT 1 FROM ordered o WHERE o.customer_id = v.customer_id AND o.sku = v.sku)
     GROUP BY v.customer_id, v.sku`,
    "browse depth",
    {asOf},
  );
}

/**
 * The SQL of one per-customer list, reading the temp tables `prepareProducts` made. Every list
 * has the columns list, customer_id, item, product, reason, last_date (the purchase or view the
 * list is about) and score (higher first), so a segment can union them.
 *
 * - cross-sell: bought every antecedent item of a strong rule (lift ≥ crossSell.minLift, the
 *   maxRules strongest) and never the consequent; ranked by lift, then most recent purchase.
 * - reorder: last bought an item with a cycle at least trigger-day local days ago and not more
 *   than lapsedCycles cycles ago.
 * - seasonal: bought a seasonal item last season, and the next season starts within reminderDays.
 * - researched: viewed a SKU ≥ minViews times, or once for longer than longDwellSeconds, without
 *   ordering it; reasons name which (views, long dwell, price band ≥ highPrice).
 */
export function productListSql(list: ProductList, asOf: string, settings: Settings): string {
  const p = settings.products;
  const day = `DATE '${isoDate(asOf)}'`;
  switch (list) {
    case "cross-sell":
      return `WITH strong AS (
          SELECT row_number() OVER (ORDER BY lift DESC, count DESC, antecedent, consequent) AS rule_rank, *
          FROM product_rules WHERE lift >= ${p.crossSell.minLift}
          QUALIFY rule_rank <= ${p.crossSell.maxRules}),
        bought AS (SELECT customer_id, item, max(local_date) AS last_date FROM product_history GROUP BY ALL),
        hits AS (
          SELECT r.rule_rank, b.customer_id, max(b.last_date) AS last_date
          FROM strong r JOIN bought b ON list_contains(r.antecedent_items, b.item)
          GROUP BY ALL HAVING count(DISTINCT b.item) = any_value(len(r.antecedent_items)))
        SELECT 'cross-sell' AS list, h.customer_id, r.consequent_item AS item, r.consequent AS product,
          format('bought {} (last {}), not {}: lift {}, confidence {}', r.antecedent, strftime(h.last_date, '%Y-%m-%d'),
                 r.consequent, round(r.lift, 2), round(r.confidence, 2)) AS reason,
          h.last_date, r.lift AS score
        FROM hits h JOIN strong r USING (rule_rank)
        WHERE NOT EXISTS (SELECT 1 FROM bought b WHERE b.customer_id = h.customer_id AND b.item = r.consequent_item)
        ORDER BY r.lift DESC, h.last_date DESC, h.customer_id`;
    case "reorder":
      return `WITH last AS (SELECT customer_id, item, max(local_date) AS last_date FROM product_history GROUP BY ALL)
        SELECT 'reorder' AS list, l.customer_id, l.item, c.product,
          format('last bought {}; cycle {} days, reminder from day {}', ${daysAgoSql(`${day} - l.last_date`)},
                 c.cycle_days, c.trigger_day) AS reason,
          l.last_date, CAST(${day} - l.last_date AS DOUBLE) / c.cycle_days AS score
        FROM last l JOIN product_cycles c USING (item)
        WHERE ${day} - l.last_date >= c.trigger_day
          AND ${day} - l.last_date <= c.cycle_days * ${p.replenishment.lapsedCycles}
        ORDER BY score DESC, l.customer_id, l.item`;
    case "seasonal":
      return `SELECT DISTINCT 'seasonal' AS list, h.customer_id, s.item, s.product,
          format('bought it last season ({} to {}); season starts {}, remind from {}', strftime(s.last_start, '%Y-%m-%d'),
                 strftime(s.last_end - 1, '%Y-%m-%d'), strftime(s.next_start, '%Y-%m-%d'), strftime(s.remind_on, '%Y-%m-%d')) AS reason,
          max(h.local_date) OVER (PARTITION BY h.customer_id, s.item) AS last_date, s.share AS score
        FROM product_seasons s JOIN product_history h
          ON h.item = s.item AND h.local_date >= s.last_start AND h.local_date < s.last_end
        WHERE ${day} >= s.remind_on AND ${day} <= s.next_start
        ORDER BY score DESC, h.customer_id, s.item`;
    case "researched":
      return `SELECT 'researched' AS list, customer_id, item, product,
          concat_ws('; ',
            CASE WHEN views >= ${p.browse.minViews} THEN format('viewed {} times', views) END,
            CASE WHEN longest_view_s > ${p.browse.longDwellSeconds} THEN format('long dwell {} s', round(longest_view_s)) END,
            CASE WHEN views >= ${p.browse.minViews} AND price >= ${p.browse.highPrice} THEN format('price band: {} ≥ ${p.browse.highPrice}', price) END)
            || ', never ordered' AS reason,
          last_viewed AS last_date, CAST(views AS DOUBLE) AS score
        FROM product_browse
        WHERE views >= ${p.browse.minViews} OR longest_view_s > ${p.browse.longDwellSeconds}
        ORDER BY score DESC, customer_id, item`;
    default:
      throw new Error(`product lists: unknown list ${JSON.stringify(list)}; use one of ${PRODUCT_LISTS.join(", ")}`);
  }
}

/** Rows of one list (for tests and small drops; downloads stream the SQL through writeQuery). */
export async function productListRows(connection: DuckDBConnection, list: ProductList, asOf: string, settings: Settings) {
  return queryRows(connection, productListSql(list, asOf, settings), `${list} list`);
}

/** How many customers each list holds. */
export async function productListCounts(connection: DuckDBConnection, asOf: string, settings: Settings) {
  const counts: Record<ProductList, {rows: number; customers: number}> = {} as never;
  for (const list of PRODUCT_LISTS) {
    const sql = productListSql(list, asOf, settings);
    counts[list] = {
      rows: await queryNumber(connection, `SELECT count(*) FROM (${sql})`, `${list} list`),
      customers: await queryNumber(connection, `SELECT count(DISTINCT customer_id) FROM (${sql})`, `${list} list`),
    };
  }
  return counts;
}

function isoDate(asOf: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`product lists: as-of date must be YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  return asOf;
}
