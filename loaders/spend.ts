import {queryRows, type Row} from "../lib/duckdb.js";
import type {Settings} from "../lib/settings/index.js";
import type {LoaderContext} from "./serve.js";

/**
 * A customer id as it may appear on a hosted page: ids that are phone numbers keep only their
 * last 3 digits, other ids (shop account numbers) are shown as they are.
 */
const maskedId = (column: string) =>
  `CASE WHEN regexp_matches(${column}, '^\\+?[0-9 ()-]{7,}$') THEN '••••' || right(${column}, 3) ELSE ${column} END`;

/** The tier rows that tag customers as of a date: the chosen method's. */
const chosen = (asOf: string) => `(SELECT * FROM tier_assignments WHERE as_of = DATE '${asOf}' AND chosen)`;

/** The as-of date before this one that has tiers, found in the tier tables themselves. */
export async function previousTierAsOf(context: Pick<LoaderContext, "connection" | "asOf">): Promise<string | null> {
  const [row] = await queryRows<{d: string | null}>(
    context.connection,
    "SELECT max(as_of) AS d FROM tier_assignments WHERE as_of < CAST($asOf AS DATE)",
    "spend",
    {asOf: context.asOf},
  );
  return row?.d ?? null;
}

/**
 * Customers within settings.tiers.nudgeWithin below the next tier's lower bound, with the amount
 * still to spend, closest first.
 */
export function nudgesSql(asOf: string, settings: Settings): string {
  return `SELECT ${maskedId("customer_id")} AS customer, tier, next_tier,
       CAST(spend_12m AS DOUBLE) AS spend_12m, CAST(next_bound AS DOUBLE) AS next_bound,
       CAST(next_bound - spend_12m AS DOUBLE) AS to_spend, currency,
       format('spend {} more to reach {}', format('{:,.2f}', next_bound - spend_12m), next_tier) AS nudge
     FROM ${chosen(asOf)}
     WHERE next_bound IS NOT NULL AND tier <> 'all'
       AND spend_12m >= next_bound * (1 - ${settings.tiers.nudgeWithin})
     ORDER BY to_spend, customer_id`;
}

/** Lowest-tier customers who read at least promisingOpensPerMonth messages in the last month. */
export function promisingSql(asOf: string, settings: Settings): string {
  return `SELECT ${maskedId("customer_id")} AS customer, tier, CAST(spend_12m AS DOUBLE) AS spend_12m, currency,
       reads_last_month, orders_12m
     FROM ${chosen(asOf)}
     WHERE tier_index = 0 AND tier <> 'all' AND reads_last_month >= ${settings.tiers.promisingOpensPerMonth}
     ORDER BY reads_last_month DESC, customer_id`;
}

/** Customers whose tier changed since the previous as-of date with tiers, and high-tier downgrade flags. */
export function movesSql(asOf: string, previousAsOf: string | null): string {
  if (!previousAsOf) {
    return `SELECT ${maskedId("customer_id")} AS customer, NULL AS from_tier, tier AS to_tier,
         CAST(NULL AS DOUBLE) AS spend_before, CAST(spend_12m AS DOUBLE) AS spend_now, downgrade
       FROM ${chosen(asOf)} WHERE downgrade ORDER BY customer_id`;
  }
  return `SELECT ${maskedId("coalesce(n.customer_id, p.customer_id)")} AS customer,
       coalesce(p.tier, 'not tiered') AS from_tier, coalesce(n.tier, 'not tiered') AS to_tier,
       CAST(p.spend_12m AS DOUBLE) AS spend_before, CAST(n.spend_12m AS DOUBLE) AS spend_now,
       coalesce(n.downgrade, false) AS downgrade
     FROM ${chosen(asOf)} n FULL JOIN ${chosen(previousAsOf)} p USING (customer_id)
     WHERE p.tier IS DISTINCT FROM n.tier OR n.downgrade
     ORDER BY from_tier, to_tier, coalesce(n.customer_id, p.customer_id)`;
}

/**
 * Everything the spend page shows, as aggregates: the histogram with both methods' breakpoints,
 * the goodness of fit per k, the tier table, a 100-point Pareto curve, the migration matrix and
 * the sizes of the download lists.
 */
export async function spend(context: LoaderContext) {
  const {connection, asOf, settings} = context;
  const q = (sql: string) => queryRows<Row>(connection, sql, "spend", sql.includes("$asOf") ? {asOf} : undefined);
  const [run] = await q(
    `SELECT method, currency, strftime(window_start, '%Y-%m-%d') AS window_start, customers, problem
     FROM tier_runs WHERE as_of = CAST($asOf AS DATE)`,
  );
  const previousAsOf = await previousTierAsOf(context);
  const histogram = await q(
    `SELECT h.lo, h.hi, h.customers, coalesce(sum(CAST(a.spend_12m AS DOUBLE)), 0) AS revenue
     FROM tier_histogram h LEFT JOIN ${chosen(asOf)} a ON a.spend_12m >= h.lo AND a.spend_12m < h.hi
     WHERE h.as_of = CAST($asOf AS DATE) GROUP BY ALL ORDER BY h.lo`,
  );
  const breakpoints = await q(
    `SELECT method, chosen, tier_index, tier, CAST(lower_bound AS DOUBLE) AS lower_bound,
       CAST(upper_bound AS DOUBLE) AS upper_bound, customers, why
     FROM tier_breakpoints WHERE as_of = CAST($asOf AS DATE) ORDER BY method, tier_index`,
  );
  const fits = await q("SELECT k, sse, gvf, chosen FROM tier_fit WHERE as_of = CAST($asOf AS DATE) ORDER BY k");
  const months = settings.tiers.windowMonths;
  const tiers = await q(
    `WITH a AS ${chosen(asOf)}, total AS (SELECT count(*) AS n, sum(spend_12m) AS s FROM a)
     SELECT tier_index, tier, CAST(min(lower_bound) AS DOUBLE) AS lower_bound, count(*) AS customers,
       count(*) / any_value(total.n) AS customer_share, CAST(sum(spend_12m) AS DOUBLE) AS revenue,
       CAST(sum(spend_12m) / any_value(total.s) AS DOUBLE) AS revenue_share,
       -- Purchase days, not orders: two orders on one local day are one purchase.
       avg(purchase_days_12m) * 12 / ${months} AS purchases_per_year,
       median(mean_gap_days) AS median_repeat_days,
       count(mean_gap_days) AS repeat_customers,
       count(*) FILTER (WHERE downgrade) AS downgrade_flags
     FROM a, total GROUP BY tier_index, tier ORDER BY tier_index`,
  );
  const pareto = await q(
    `WITH a AS (SELECT CAST(spend_12m AS DOUBLE) AS s FROM ${chosen(asOf)}),
     ranked AS (SELECT s, row_number() OVER (ORDER BY s DESC) AS r, count(*) OVER () AS n,
                       sum(s) OVER (ORDER BY s DESC ROWS UNBOUNDED PRECEDING) AS cum,
                       sum(s) OVER () AS total FROM a)
     SELECT ceil(100.0 * r / n) / 100 AS customer_share, max(cum / total) AS revenue_share
     FROM ranked GROUP BY 1 ORDER BY 1`,
  );
  let migration: Row[] = [];
  let movement = {both: 0, moved: 0, entered: 0, left: 0};
  if (previousAsOf) {
    migration = await q(
      `SELECT coalesce(p.tier, 'not tiered') AS from_tier, coalesce(n.tier, 'not tiered') AS to_tier,
         coalesce(any_value(p.tier_index), -1) AS from_index, coalesce(any_value(n.tier_index), -1) AS to_index,
         count(*) AS customers
       FROM ${chosen(asOf)} n FULL JOIN ${chosen(previousAsOf)} p USING (customer_id)
       GROUP BY ALL ORDER BY from_index, to_index`,
    );
    for (const m of migration) {
      const n = Number(m.customers);
      if (m.from_tier === "not tiered") movement.entered += n;
      else if (m.to_tier === "not tiered") movement.left += n;
      else {
        movement.both += n;
        if (m.from_tier !== m.to_tier) movement.moved += n;
      }
    }
  }
  const count = async (sql: string) => Number((await q(`SELECT count(*) AS n FROM (${sql})`))[0]?.n ?? 0);
  const lists = {
    nudges: await count(nudgesSql(asOf, settings)),
    promising: await count(promisingSql(asOf, settings)),
    moves: await count(movesSql(asOf, previousAsOf)),
  };
  const nudgeExamples = await q(`SELECT tier, next_tier, to_spend, nudge FROM (${nudgesSql(asOf, settings)}) LIMIT 5`);
  return {
    asOf,
    previousAsOf,
    run: run ?? null,
    settings: {
      method: settings.tiers.method,
      bins: settings.tiers.bins,
      rule: settings.tiers.rule,
      ckmeans: settings.tiers.ckmeans,
      windowMonths: months,
      nudgeWithin: settings.tiers.nudgeWithin,
      downgradeMonths: settings.tiers.downgradeMonths,
      promisingOpensPerMonth: settings.tiers.promisingOpensPerMonth,
    },
    histogram,
    breakpoints,
    fits,
    tiers,
    pareto,
    migration,
    movement,
    lists,
    nudgeExamples,
  };
}
