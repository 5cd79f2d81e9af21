import type {DuckDBConnection} from "@duckdb/node-api";
import {run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {createActivityEvents, weekendSql} from "./events.js";
import {clockSlot, computeWindows} from "./windows.js";

/** Days ahead searched for a customer's next window; a week always holds one of each day type. */
const SEARCH_DAYS = 8;

/**
 * Writes the temp table `customer_send_window` with each customer's next good local send window:
 *
 *   customer_id, country, zone, zone_known, day_type ('weekday' | 'weekend'),
 *   window_start_local, window_end_local (TIMESTAMP, the customer's wall clock),
 *   window_start_utc, window_end_utc (TIMESTAMPTZ), window_source, window_label
 *
 * Segment lists carry it so that a campaign goes out at a good local time and never at local
 * night (playbook §7). The window is the region's best window for that local day's type
 * (weekday or weekend, by the country's own weekend): a per-country default from the settings
 * when one is configured, else the country's measured window, else the window measured over all
 * regions, else the configured default. `window_source` says which.
 *
 * Customers with an unknown zone get the window in the shop's zone (settings.ingest.timeZone), with
 * zone_known false, so a list can hold them back or send anyway knowingly.
 *
 * Runs the activity analysis itself (temp tables act_*), so it needs only the warehouse tables.
 *
 * @param asOf The drop's as-of date; customer basics of that date (or the latest before) are used.
 * @param from The instant from which to look for a window (ISO-8601). Default: the start of the
 *   day after the as-of date, in each customer's own zone.
 * @example await createCustomerSendWindows(connection, "2026-11-30", settings);
 *   // then: SELECT customer_id, window_start_utc FROM customer_send_window
 */
export async function createCustomerSendWindows(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
  from?: string,
): Promise<void> {
  if (from !== undefined && Number.isNaN(Date.parse(from))) {
    throw new Error(`send window: from ${JSON.stringify(from)} is not an ISO-8601 instant`);
  }
  await createActivityEvents(connection, asOf, settings);
  await computeWindows(connection, settings);

  const a = settings.activity;
  const configured = Object.keys(a.defaultWindows.byCountry).map(sqlString);
  const defaultSlot = (dayType: "weekday" | "weekend") => {
    const cases = Object.entries(a.defaultWindows.byCountry).map(
      ([code, w]) => `WHEN c.country = ${sqlString(code)} THEN ${clockSlot(w[dayType])}`,
    );
    const fallback = clockSlot(a.defaultWindows.default[dayType]);
    return cases.length ? `CASE ${cases.join(" ")} ELSE ${fallback} END` : String(fallback);
  };
  const slots = Math.round(a.windowHours * 2);
  const shopZone = sqlString(settings.ingest.timeZone);
  const fromSql = from === undefined ? "NULL::TIMESTAMPTZ" : `CAST(${sqlString(from)} AS TIMESTAMPTZ)`;

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE customer_send_window AS
     WITH cust AS (
       SELECT customer_id, coalesce(nullif(country, ''), 'unknown') AS country,
         CASE WHEN time_zone IS NULL OR time_zone = 'unknown' THEN ${shopZone} ELSE time_zone END AS zone,
         coalesce(time_zone <> 'unknown', false) AS zone_known
       FROM customer_basics
       WHERE as_of = (SELECT max(as_of) FROM customer_basics WHERE as_of <= CAST($asOf AS DATE))),
     -- The window depends only on the country and the zone, so it is found once per pair (a few
     -- dozen) and joined to the customers: timezone() on every customer's days took seconds.
     ref AS (
       SELECT *, coalesce(${fromSql}, timezone(zone, CAST(CAST($asOf AS DATE) + 1 AS TIMESTAMP))) AS ref_utc
       FROM (SELECT DISTINCT country, zone FROM cust)),
     days AS (
       SELECT r.*, CAST(timezone(r.zone, r.ref_utc) AS DATE) + CAST(k AS INTEGER) AS local_day
       FROM ref r, range(0, ${SEARCH_DAYS}) AS t(k)),
     typed AS (
       SELECT d.*, CASE WHEN ${weekendSql(settings, "d.country", "isodow(d.local_day)")}
                   THEN 'weekend' ELSE 'weekday' END AS day_type
       FROM days d),
     best AS (SELECT region, day_type, start_slot, source FROM act_windows WHERE kind = 'best'),
     chosen AS (
       SELECT c.*,
         CASE WHEN c.country IN (${configured.join(", ") || "NULL"}) THEN coalesce(bc.start_slot,
                CASE WHEN c.day_type = 'weekend' THEN ${defaultSlot("weekend")} ELSE ${defaultSlot("weekday")} END)
              WHEN bc.source = 'data' THEN bc.start_slot
              WHEN ba.source = 'data' THEN ba.start_slot
              WHEN c.day_type = 'weekend' THEN ${defaultSlot("weekend")}
              ELSE ${defaultSlot("weekday")} END AS start_slot,
         CASE WHEN c.country IN (${configured.join(", ") || "NULL"})
                THEN CASE WHEN bc.source = 'data' THEN 'country data' ELSE 'country default' END
              WHEN bc.source = 'data' THEN 'country data'
              WHEN ba.source = 'data' THEN 'all regions data'
              ELSE 'default' END AS window_source
       FROM typed c
       LEFT JOIN best bc ON bc.region = c.country AND bc.day_type = c.day_type
       LEFT JOIN best ba ON ba.region = 'all' AND ba.day_type = c.day_type),
     placed AS (
       SELECT *, CAST(local_day AS TIMESTAMP) + to_minutes(start_slot * 30) AS window_start_local,
         CAST(local_day AS TIMESTAMP) + to_minutes((start_slot + ${slots}) * 30) AS window_end_local
       FROM chosen),
     instants AS (
       SELECT *, timezone(zone, window_start_local) AS window_start_utc,
         timezone(zone, window_end_local) AS window_end_utc
       FROM placed),
     first AS (
       SELECT * FROM instants WHERE window_start_utc >= ref_utc
       QUALIFY row_number() OVER (PARTITION BY country, zone ORDER BY window_start_utc) = 1)
     SELECT c.customer_id, c.country, c.zone, c.zone_known, w.day_type, w.window_start_local, w.window_end_local,
       w.window_start_utc, w.window_end_utc, w.window_source,
       format('{} {}–{} local', dayname(w.window_start_local), strftime(w.window_start_local, '%H:%M'),
              strftime(w.window_end_local, '%H:%M')) AS window_label
     FROM cust c JOIN first w USING (country, zone)`,
    "customer send windows",
    {asOf},
  );
}
