import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {
  chooseK,
  ckmeansAll,
  histogram,
  ruleBreaks,
  tierNames,
  type Fit,
  type RuleBoundary,
  type WeightedValue,
} from "./breaks.js";

/** The family name of the spend tier tags. */
export const SPEND_TIER_FAMILY = "spend tier";

/** The methods whose tiers are stored for every drop, so the command and page can compare them. */
export const TIER_METHODS = ["rule", "ckmeans", "fixed"] as const;
export type TierMethod = (typeof TIER_METHODS)[number];

/**
 * Tier tables, one set of rows per as-of date, so movement between two drops is a join on
 * customer_id. Every method's tiers are kept (chosen marks the one that tags customers).
 */
const TIER_SCHEMA = `
CREATE TABLE IF NOT EXISTS tier_runs (
  as_of DATE, method VARCHAR, currency VARCHAR, window_start DATE, customers BIGINT,
  problem VARCHAR
);
CREATE TABLE IF NOT EXISTS tier_breakpoints (
  as_of DATE, method VARCHAR, chosen BOOLEAN, tier_index INTEGER, tier VARCHAR,
  lower_bound DECIMAL(18,4), upper_bound DECIMAL(18,4), customers BIGINT, why VARCHAR
);
CREATE TABLE IF NOT EXISTS tier_fit (as_of DATE, k INTEGER, sse DOUBLE, gvf DOUBLE, chosen BOOLEAN);
CREATE TABLE IF NOT EXISTS tier_histogram (as_of DATE, lo DOUBLE, hi DOUBLE, customers BIGINT);
CREATE TABLE IF NOT EXISTS tier_assignments (
  as_of DATE, method VARCHAR, chosen BOOLEAN, customer_id VARCHAR, currency VARCHAR,
  spend_12m DECIMAL(18,4), tier_index INTEGER, tier VARCHAR, lower_bound DECIMAL(18,4),
  next_bound DECIMAL(18,4), next_tier VARCHAR, orders_12m INTEGER, purchase_days_12m INTEGER,
  mean_gap_days DOUBLE, last_purchase DATE, reads_last_month INTEGER, downgrade BOOLEAN
);
`;

/**
 * Creates the tier tables if missing. A read-only reader of a warehouse built before tiers
 * existed passes temporary = true to get empty temp tables of the same shape, so its page says
 * "no tiers" instead of failing.
 */
export async function ensureTierSchema(connection: DuckDBConnection, temporary = false): Promise<void> {
  if (temporary) {
    const [row] = await queryRows<{n: number}>(
      connection,
      "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'tier_assignments'",
      "tier schema",
    );
    if (row?.n) return;
  }
  const sql = temporary ? TIER_SCHEMA.replaceAll("CREATE TABLE", "CREATE TEMP TABLE") : TIER_SCHEMA;
  await run(connection, sql, "tier schema");
}

/** One tier of one method: customers with cut ≤ spend < upper (a null cut or upper is open). */
interface TierRange {
  method: TierMethod;
  index: number;
  name: string;
  cut: number | null;
  upper: number | null;
  /** Why the boundary that defines this tier is there, for the tag reason. */
  why: string;
}

const amount = (n: number) => n.toLocaleString("en-US", {maximumFractionDigits: 2});

/** The tiers that a list of ascending cuts (lower bounds above the lowest tier) makes. */
function rangesFrom(method: TierMethod, cuts: readonly number[], why: (i: number) => string): TierRange[] {
  const names = tierNames(cuts.length + 1);
  return names.map((name, index) => ({
    method,
    index,
    name,
    cut: index === 0 ? null : cuts[index - 1]!,
    upper: index < cuts.length ? cuts[index]! : null,
    why: why(index),
  }));
}

function ruleWhy(boundaries: readonly RuleBoundary[], minFall: number): (i: number) => string {
  if (boundaries.length === 0) return () => `rule: no bin-to-bin fall of ${Math.round(minFall * 100)}% or more left tiers big enough`;
  return (i) => {
    // The lowest tier is explained by the boundary above it, every other by its own lower one.
    const b = boundaries[Math.max(0, i - 1)]!;
    return `rule: count falls ${Math.round(b.fall * 100)}% after bin ${amount(b.from.lo)}–${amount(b.from.hi)}`;
  };
}

/**
 * The "spend tier" tag producer: computes every customer's rolling net spend as of a date, the
 * breakpoints by the histogram rule, by ckmeans and (when set) by fixed bounds, stores them in
 * the tier tables, and tags customers with the tiers of settings.tiers.method.
 *
 * Spend counts orders in the window (as-of − windowMonths, as-of] by local calendar date in the
 * customer's zone (local_orders and local_messages of the tagging run): paid orders add, refunds
 * (their own rows, dated when refunded) subtract, and
 * cancelled orders never count. With several currencies in the window, amounts are converted to
 * settings.money.reportingCurrency through settings.money.rates; when a rate is missing, no
 * tiers are made for the drop and tier_runs.problem names the currencies (the command and page
 * show it), rather than failing the whole build for every other analysis.
 */
export async function computeSpendTiers(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const label = `spend tiers as of ${asOf}`;
  const t = settings.tiers;
  const params = {asOf};
  await ensureTierSchema(connection);
  for (const table of ["tier_runs", "tier_breakpoints", "tier_fit", "tier_histogram", "tier_assignments"]) {
    await run(connection, `DELETE FROM ${table} WHERE as_of = CAST($asOf AS DATE)`, label, params);
  }
  const windowStart = `CAST(CAST($asOf AS DATE) - INTERVAL ${t.windowMonths} MONTH AS DATE)`;
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE tier_orders AS
     SELECT * FROM (
       SELECT customer_id, order_id, status, amount, currency, local_date
       FROM local_orders WHERE status IN ('paid', 'refunded'))
     WHERE local_date > ${windowStart} AND local_date <= CAST($asOf AS DATE)`,
    label,
    params,
  );

  // One currency is used as it is; several need a rate for each, or the tiers stop here.
  const currencies = (await queryRows<{currency: string}>(
    connection,
    "SELECT DISTINCT currency FROM tier_orders ORDER BY 1",
    label,
  )).map((r) => r.currency);
  const reporting = settings.money.reportingCurrency;
  const rates: Record<string, number> = {...settings.money.rates, [reporting]: 1};
  let currency = currencies[0] ?? reporting;
  let problem: string | null = null;
  if (currencies.length > 1) {
    const missing = currencies.filter((c) => rates[c] === undefined);
    if (missing.length > 0) {
      problem =
        `orders in the ${t.windowMonths} months to ${asOf} are in ${currencies.length} currencies ` +
        `(${currencies.join(", ")}) and settings.money.rates has no rate to ${reporting} for ` +
        `${missing.join(", ")}; add them, e.g. {"money": {"rates": {"${missing[0]}": 0.27}}}`;
    }
    currency = reporting;
  }
  const rateSql = currencies.length > 1
    ? `CASE currency ${currencies.map((c) => `WHEN '${c.replaceAll("'", "''")}' THEN ${rates[c] ?? "NULL"}`).join(" ")} END`
    : "1";
  await run(
    connection,
    `INSERT INTO tier_runs VALUES (CAST($asOf AS DATE), $method, $currency, ${windowStart} + 1, 0, $problem)`,
    label,
    {asOf, method: t.method, currency, problem},
  );
  if (problem) {
    process.stderr.write(`${label}: no tiers: ${problem}\n`);
    return;
  }

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE tier_spend AS
     WITH days AS (
       SELECT customer_id, count(*) AS n, min(local_date) AS first, max(local_date) AS last
       FROM (SELECT DISTINCT customer_id, local_date FROM tier_orders WHERE status = 'paid')
       GROUP BY customer_id),
     reads AS (
       SELECT customer_id, count(DISTINCT message_id) AS n
       FROM (SELECT customer_id, message_id, read_date FROM local_messages WHERE direction = 'out')
       WHERE read_date <= CAST($asOf AS DATE)
         AND read_date > CAST(CAST($asOf AS DATE) - INTERVAL 1 MONTH AS DATE)
       GROUP BY customer_id)
     SELECT o.customer_id,
       CAST(round(sum(CASE WHEN o.status = 'paid' THEN 1 ELSE -1 END * o.amount * ${rateSql}), 4) AS DECIMAL(18,4)) AS spend,
       count(DISTINCT o.order_id) FILTER (WHERE o.status = 'paid') AS orders,
       coalesce(any_value(d.n), 0) AS purchase_days,
       CASE WHEN any_value(d.n) >= 2 THEN (any_value(d.last) - any_value(d.first)) / (any_value(d.n) - 1) END AS mean_gap_days,
       any_value(d.last) AS last_purchase,
       coalesce(any_value(r.n), 0) AS reads_last_month
     FROM tier_orders o LEFT JOIN days d USING (customer_id) LEFT JOIN reads r USING (customer_id)
     GROUP BY o.customer_id`,
    label,
    params,
  );

  // The breaks work on distinct positive spend values with their customer counts.
  const values = await queryRows<WeightedValue>(
    connection,
    "SELECT CAST(spend AS DOUBLE) AS value, count(*) AS count FROM tier_spend WHERE spend > 0 GROUP BY 1 ORDER BY 1",
    label,
  );
  const customers = values.reduce((sum, v) => sum + v.count, 0);
  await run(connection, "UPDATE tier_runs SET customers = $n WHERE as_of = CAST($asOf AS DATE)", label, {asOf, n: customers});

  const bins = histogram(values, t.bins);
  const boundaries = ruleBreaks(bins, t.rule);
  const ranges: TierRange[] = rangesFrom("rule", boundaries.map((b) => b.bound), ruleWhy(boundaries, t.rule.minFall));

  const transform = t.ckmeans.scale === "log" ? Math.log : (x: number) => x;
  const maxK = t.ckmeans.tiers === "auto" ? t.ckmeans.maxTiers : t.ckmeans.tiers;
  const partitions = ckmeansAll(values, maxK, transform);
  let fits: Fit[] = [];
  let k = 0;
  if (partitions.length > 0) {
    ({fits, k} = chooseK(partitions, t.ckmeans.gvfTarget));
    if (t.ckmeans.tiers !== "auto") k = partitions[partitions.length - 1]!.k;
    const chosenFit = fits[k - 1]!;
    const how = t.ckmeans.tiers === "auto"
      ? `smallest k with GVF ≥ ${t.ckmeans.gvfTarget.toFixed(2)}`
      : `${t.ckmeans.tiers} tiers asked, ${k} distinct enough`;
    const why = `ckmeans on ${t.ckmeans.scale} spend: ${k} tiers, GVF ${chosenFit.gvf.toFixed(2)} (${how})`;
    ranges.push(...rangesFrom("ckmeans", partitions[k - 1]!.bounds.slice(1), () => why));
  }
  if (t.fixedBounds.length > 0) {
    const cuts = [...new Set(t.fixedBounds)].sort((a, b) => a - b);
    ranges.push(...rangesFrom("fixed", cuts, () => `fixed bounds ${cuts.map(amount).join(", ")} from settings`));
  }

  for (const fit of fits) {
    await run(connection, "INSERT INTO tier_fit VALUES (CAST($asOf AS DATE), $k, $sse, $gvf, $chosen)", label, {
      asOf, k: fit.k, sse: fit.sse, gvf: fit.gvf, chosen: fit.k === k,
    });
  }
  if (bins.length > 0) {
    await run(
      connection,
      `INSERT INTO tier_histogram SELECT CAST($asOf AS DATE), lo, hi, customers
       FROM (SELECT unnest(CAST($lo AS DOUBLE[])) AS lo, unnest(CAST($hi AS DOUBLE[])) AS hi,
                    unnest(CAST($n AS BIGINT[])) AS customers)`,
      label,
      {asOf, lo: JSON.stringify(bins.map((b) => b.lo)), hi: JSON.stringify(bins.map((b) => b.hi)),
        n: JSON.stringify(bins.map((b) => b.customers))},
    );
  }
  if (ranges.length === 0) return;

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE tier_ranges (
       method VARCHAR, "index" INTEGER, name VARCHAR, cut DOUBLE, upper DOUBLE, why VARCHAR)`,
    label,
  );
  for (const r of ranges) {
    await run(connection, "INSERT INTO tier_ranges VALUES ($method, $index, $name, $cut, $upper, $why)", label, {
      method: r.method, index: r.index, name: r.name, cut: r.cut, upper: r.upper, why: r.why,
    });
  }
  await run(
    connection,
    `INSERT INTO tier_assignments
     SELECT CAST($asOf AS DATE), r.method, r.method = $method, s.customer_id, $currency, s.spend,
       r."index", r.name,
       CAST(coalesce(r.cut, min(s.spend) OVER (PARTITION BY r.method, r."index")) AS DECIMAL(18,4)),
       CAST(r.upper AS DECIMAL(18,4)), nx.name, s.orders, s.purchase_days, s.mean_gap_days,
       s.last_purchase, s.reads_last_month,
       r.upper IS NULL AND r."index" > 0 AND (s.last_purchase IS NULL
         OR s.last_purchase <= CAST(CAST($asOf AS DATE) - INTERVAL ${t.downgradeMonths} MONTH AS DATE))
     FROM tier_spend s
     JOIN tier_ranges r ON s.spend > 0 AND (r.cut IS NULL OR s.spend >= r.cut) AND (r.upper IS NULL OR s.spend < r.upper)
     LEFT JOIN tier_ranges nx ON nx.method = r.method AND nx."index" = r."index" + 1`,
    label,
    {asOf, method: t.method, currency},
  );
  await run(
    connection,
    `INSERT INTO tier_breakpoints
     SELECT CAST($asOf AS DATE), r.method, r.method = $method, r."index", r.name,
       CAST(coalesce(r.cut, (SELECT min(spend) FROM tier_spend WHERE spend > 0)) AS DECIMAL(18,4)),
       CAST(r.upper AS DECIMAL(18,4)),
       (SELECT count(*) FROM tier_assignments a
        WHERE a.as_of = CAST($asOf AS DATE) AND a.method = r.method AND a.tier_index = r."index"),
       r.why
     FROM tier_ranges r`,
    label,
    {asOf, method: t.method},
  );

  // Tags from the chosen method; a single tier says nothing about a customer, so it tags no one.
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT a.customer_id, '${SPEND_TIER_FAMILY}', a.tier,
       format('{}-month net spend {} {} ', ${t.windowMonths}, format('{:,.2f}', a.spend_12m), a.currency) ||
       CASE
         WHEN a.tier_index = 0 THEN format('< {} bound {}', a.next_tier, format('{:,.2f}', a.next_bound))
         WHEN a.next_bound IS NULL THEN format('≥ {} bound {}', a.tier, format('{:,.2f}', a.lower_bound))
         ELSE format('in {} ({} to under {})', a.tier, format('{:,.2f}', a.lower_bound), format('{:,.2f}', a.next_bound))
       END || format(' ({})', r.why) ||
       CASE WHEN a.downgrade THEN format('; no purchase since {}: flagged for downgrade',
         coalesce(strftime(a.last_purchase, '%Y-%m-%d'), 'the window began')) ELSE '' END
     FROM tier_assignments a JOIN tier_ranges r ON r.method = a.method AND r."index" = a.tier_index
     WHERE a.as_of = CAST($asOf AS DATE) AND a.chosen
       AND (SELECT count(*) FROM tier_ranges x WHERE x.method = a.method) > 1`,
    label,
    {asOf},
  );
}
