import {queryRows} from "../lib/duckdb.js";
import type {LoaderContext} from "./serve.js";

/** Headline counts of the newest drop, and the same counts for the previous drop. */
export async function overview({connection, asOf, previousAsOf, dropId}: LoaderContext) {
  const [totals] = await queryRows(
    connection,
    `SELECT
       (SELECT count(*) FROM customers) AS customers,
       (SELECT count(*) FROM orders WHERE status = 'paid') AS orders,
       (SELECT count(*) FROM orders WHERE status <> 'paid') AS cancelled_or_refunded,
       (SELECT count(*) FROM messages) AS messages,
       (SELECT count(*) FROM messages WHERE direction = 'in') AS inbound_messages,
       (SELECT count(*) FROM web_events) AS web_events,
       (SELECT min(ordered_at) FROM orders) AS first_order_at,
       (SELECT max(ordered_at) FROM orders) AS last_order_at`,
    "overview",
  );
  const revenue = await queryRows(
    connection,
    `SELECT currency,
       sum(amount) FILTER (WHERE status = 'paid') - coalesce(sum(amount) FILTER (WHERE status = 'refunded'), 0) AS net_revenue,
       count(*) FILTER (WHERE status = 'paid') AS orders
     FROM orders GROUP BY currency ORDER BY net_revenue DESC`,
    "overview",
  );
  const monthly = await queryRows(
    connection,
    `SELECT strftime(date_trunc('month', ordered_at), '%Y-%m') AS month, currency,
       sum(amount) FILTER (WHERE status = 'paid') - coalesce(sum(amount) FILTER (WHERE status = 'refunded'), 0) AS revenue,
       count(*) FILTER (WHERE status = 'paid') AS orders
     FROM orders GROUP BY ALL ORDER BY month`,
    "overview",
  );
  const tagged = await queryRows(
    connection,
    `SELECT family, tag, count(*) AS customers FROM tag_snapshots
     WHERE as_of = CAST($asOf AS DATE) AND family IN ('lifecycle', 'country')
     GROUP BY ALL ORDER BY family, customers DESC`,
    "overview",
    {asOf},
  );
  const drops = await queryRows(
    connection,
    "SELECT strftime(as_of, '%Y-%m-%d') AS as_of, format, source, rows_read, rows_rejected FROM drops ORDER BY as_of",
    "overview",
  );
  return {asOf, previousAsOf, dropId, totals, revenue, monthly, tagged, drops};
}
