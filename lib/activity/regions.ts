import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {createEventZoneOffsets, customerZonesSql, localDateSql, offsetJoinSql} from "./local-time.js";

/** One row of the region table (playbook §2), per country. */
export interface RegionRow {
  region: string;
  customers: number;
  orders: number;
  order_share: number | null;
  aov: number | null;
  currency: string;
  aov_missing_rate: string | null;
  orders_per_thousand: number | null;
  high_value: boolean;
  median_reply_hours: number | null;
  best_weekday: string | null;
  best_weekend: string | null;
  restricted_share: number | null;
  restricted_cancel_rate: number | null;
  other_cancel_rate: number | null;
  orders_recent: number;
  orders_year_ago: number;
  frequency_change: number | null;
}

/**
 * The region table: per country, its share of paid orders, average order value in the reporting
 * currency (the shop's own when it sells in one), order density, the high-value flag, median reply time, best windows, the
 * shipping-restricted share with its cancellation rate, and the change in orders over the last
 * `compareDays` local days against the same days a year earlier.
 *
 * Orders count over the look-back (local dates in each customer's zone, the shop's zone when
 * unknown). High value: more than `minOrdersPerThousand` paid orders per 1,000 customers of the
 * shop, and an average order value among the top `topShare` of regions. Needs act_sent and
 * act_windows (createActivityEvents, computeWindows).
 */
export async function regionTable(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<RegionRow[]> {
  const a = settings.activity;
  const m = settings.money;
  // A shop that sells in one currency compares regions in it (as the spend tiers do); only a
  // mixed drop needs settings.money.rates to reach the reporting currency.
  const used = await queryRows<{currency: string}>(
    connection,
    "SELECT DISTINCT currency FROM orders WHERE status = 'paid' ORDER BY 1",
    "region table: currencies",
  );
  const single = used.length === 1 ? used[0]!.currency : null;
  const currency = single ?? m.reportingCurrency;
  const rates = single ? [] : Object.entries(m.rates).map(([c, r]) => `(${sqlString(c)}, ${r})`);
  rates.push(`(${sqlString(currency)}, 1)`);
  const shopZone = sqlString(settings.ingest.timeZone);
  await createEventZoneOffsets(connection, customerZonesSql(settings.ingest.timeZone), "region table");
  const clock = (slot: string) => `printf('%02d:%02d', (${slot} * 30) // 60, (${slot} * 30) % 60)`;
  const windowText = (dayType: string) => `(SELECT ${clock("w.start_slot")} || '–' || ${clock("(w.start_slot + w.slots) % 48")}
       || CASE WHEN w.source = 'default' THEN ' (default)' ELSE '' END
     FROM act_windows w WHERE w.region = c.region AND w.day_type = '${dayType}' AND w.kind = 'best')`;
  return queryRows<RegionRow>(
    connection,
    `WITH rate(currency, r) AS (VALUES ${rates.join(", ")}),
     basics AS (
       SELECT customer_id, coalesce(nullif(country, ''), 'unknown') AS region, shipping_restricted,
         CASE WHEN time_zone IS NULL OR time_zone = 'unknown' THEN ${shopZone} ELSE time_zone END AS zone
       FROM customer_basics
       WHERE as_of = (SELECT max(as_of) FROM customer_basics WHERE as_of <= CAST($asOf AS DATE))),
     o AS (
       SELECT b.region, b.shipping_restricted, o.status, o.amount, o.currency, rate.r,
         ${localDateSql("o.ordered_at", "b.zone", "zo")} AS local_date
       FROM orders o JOIN basics b USING (customer_id) LEFT JOIN rate USING (currency)
       LEFT JOIN zone_hour_offsets zo ON ${offsetJoinSql("o.ordered_at", "b.zone", "zo")}),
     recent AS (SELECT * FROM o WHERE local_date BETWEEN CAST($asOf AS DATE) - ${a.lookbackDays - 1} AND CAST($asOf AS DATE)),
     per AS (
       SELECT region, count(*) FILTER (WHERE status = 'paid') AS orders,
         avg(amount * r) FILTER (WHERE status = 'paid') AS aov,
         string_agg(DISTINCT currency, ', ') FILTER (WHERE status = 'paid' AND r IS NULL) AS aov_missing_rate,
         count(*) FILTER (WHERE status = 'cancelled' AND shipping_restricted)
           / nullif(count(*) FILTER (WHERE status IN ('paid', 'cancelled') AND shipping_restricted), 0) AS restricted_cancel_rate,
         count(*) FILTER (WHERE status = 'cancelled' AND NOT coalesce(shipping_restricted, false))
           / nullif(count(*) FILTER (WHERE status IN ('paid', 'cancelled') AND NOT coalesce(shipping_restricted, false)), 0) AS other_cancel_rate
       FROM recent GROUP BY region),
     yoy AS (
       SELECT region,
         count(*) FILTER (WHERE local_date BETWEEN CAST($asOf AS DATE) - ${a.regions.compareDays - 1} AND CAST($asOf AS DATE)) AS orders_recent,
         count(*) FILTER (WHERE local_date BETWEEN CAST(CAST($asOf AS DATE) - INTERVAL 1 YEAR AS DATE) - ${a.regions.compareDays - 1}
                                          AND CAST(CAST($asOf AS DATE) - INTERVAL 1 YEAR AS DATE)) AS orders_year_ago
       FROM o WHERE status = 'paid' GROUP BY region),
     cust AS (
       SELECT region, count(*) AS customers, avg(CASE WHEN shipping_restricted THEN 1 ELSE 0 END) AS restricted_share
       FROM basics GROUP BY region),
     reply AS (SELECT country AS region, median(reply_minutes) / 60 AS median_reply_hours FROM act_sent WHERE replied GROUP BY country),
     c AS (
       SELECT cust.region, cust.customers, coalesce(per.orders, 0) AS orders,
         coalesce(per.orders, 0) / nullif(sum(coalesce(per.orders, 0)) OVER (), 0) AS order_share,
         per.aov, per.aov_missing_rate,
         1000 * coalesce(per.orders, 0) / sum(cust.customers) OVER () AS orders_per_thousand,
         reply.median_reply_hours, cust.restricted_share, per.restricted_cancel_rate, per.other_cancel_rate,
         coalesce(yoy.orders_recent, 0) AS orders_recent, coalesce(yoy.orders_year_ago, 0) AS orders_year_ago
       FROM cust LEFT JOIN per USING (region) LEFT JOIN yoy USING (region) LEFT JOIN reply USING (region)),
     ranked AS (
       -- rank, not row_number: regions with the same average order value are in or out together.
       SELECT *, rank() OVER (ORDER BY aov DESC NULLS LAST) AS aov_rank,
         count(aov) OVER () AS regions_with_aov
       FROM c)
     SELECT region, customers, orders, order_share, aov, ${sqlString(currency)} AS currency, aov_missing_rate,
       orders_per_thousand,
       coalesce(orders_per_thousand > ${a.regions.minOrdersPerThousand} AND aov IS NOT NULL
         AND aov_rank <= ceil(${a.regions.topShare} * regions_with_aov), false) AS high_value,
       median_reply_hours, ${windowText("weekday")} AS best_weekday, ${windowText("weekend")} AS best_weekend,
       restricted_share, restricted_cancel_rate, other_cancel_rate, orders_recent, orders_year_ago,
       CASE WHEN orders_year_ago > 0 THEN orders_recent / orders_year_ago - 1 END AS frequency_change
     FROM ranked c ORDER BY orders DESC, region`,
    "region table",
    {asOf},
  );
}
