import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {createZoneHourOffsets, localTimestampSql, offsetJoinSql} from "./local-time.js";

/** How many customers the activity analysis could place in local time, and how many it left out. */
export interface ActivityCoverage {
  customers: number;
  /** Customers with messages whose zone is unknown; their events are left out of every heatmap. */
  unknownZoneCustomers: number;
  unknownZoneMessages: number;
}

/**
 * SQL that is true when a local ISO weekday is a weekend day in a country, from the settings'
 * default weekend and per-country overrides.
 */
export function weekendSql(settings: Settings, country: string, weekday: string): string {
  const w = settings.activity.weekend;
  const cases = Object.entries(w.byCountry).map(
    ([code, days]) =>
      `WHEN ${country} = ${sqlString(code)} THEN ${weekday} IN (${days.join(", ") || "NULL"})`,
  );
  const fallback = `${weekday} IN (${w.default.join(", ") || "NULL"})`;
  return cases.length ? `CASE ${cases.join(" ")} ELSE ${fallback} END` : fallback;
}

/** A regular expression (RE2) matching any stop word; Latin words only as whole words. */
export function stopWordPattern(words: readonly string[]): string {
  const escaped = words.map((word) => {
    const quoted = word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return /^[a-z]+$/.test(quoted) ? `\\b${quoted}\\b` : quoted;
  });
  return escaped.join("|") || "$^";
}

/**
 * Builds the temp tables every activity report reads, for one as-of date:
 *
 * - `act_customers(customer_id, country, zone)`: customers with a known zone;
 * - `act_sent`: one row per message we sent in the look-back, with its local send time (weekday,
 *   hour, half-hour slot, weekend), local read time, whether and how fast it was answered,
 *   whether the answer asked to stop, and whether a paid order followed;
 * - `act_events(customer_id, country, kind, local_ts, local_date, weekday, hour, weekend)`: reads
 *   and customer messages in the look-back, each at its own customer's local time;
 *   `act_events_all` holds the same for all history up to the as-of date.
 *
 * Every local time comes from the customer's own zone at that instant (DST exact), never from the
 * session or the build machine. The look-back is counted in local calendar days up to the
 * as-of date.
 */
export async function createActivityEvents(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<ActivityCoverage> {
  const label = `activity events as of ${asOf}`;
  const a = settings.activity;
  const params = {asOf};
  // The tagging run (send-slot tags) and the segment lists both need these tables for the same
  // drop on the same connection; building them once saves the costliest part of a build twice.
  const key = JSON.stringify([asOf, settings, await dataVersion(connection)]);
  const cached = builtFor.get(connection);
  if (cached?.key === key && (await tempTablesExist(connection, ACTIVITY_TABLES)))
    return cached.coverage;
  const basicsDate = `(SELECT max(as_of) FROM customer_basics WHERE as_of <= CAST($asOf AS DATE))`;

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_customers AS
     SELECT customer_id, coalesce(nullif(country, ''), 'unknown') AS country, time_zone AS zone
     FROM customer_basics
     WHERE as_of = ${basicsDate} AND time_zone IS NOT NULL AND time_zone <> 'unknown'`,
    label,
    params,
  );

  // Offsets for the hours the messages span, a day wider on each side for local-date filtering.
  await createZoneHourOffsets(
    connection,
    "SELECT zone FROM act_customers",
    "(SELECT min(sent_at) - INTERVAL 1 DAY FROM messages)",
    "(SELECT greatest(max(sent_at), max(read_at)) + INTERVAL 1 DAY FROM messages)",
    label,
  );

  const sentLocal = localTimestampSql("m.sent_at", "c.zone", "zs");
  const readLocal = localTimestampSql("m.read_at", "c.zone", "zr");
  const windowStart = `CAST($asOf AS DATE) - ${a.lookbackDays - 1}`;
  const window = `BETWEEN ${windowStart} AND CAST($asOf AS DATE)`;
  const stop = sqlString(stopWordPattern(a.stopWords));
  // A customer message's text is read for one thing, a stop word; the flag stands in for the
  // text, which was most of this table's bytes (and its spill to disk on a million customers).
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_messages AS
     SELECT m.message_id, m.customer_id, c.country, c.zone, m.direction, m.sent_at, m.read_at,
            m.category,
            CASE WHEN m.direction = 'in'
              THEN regexp_matches(lower(coalesce(m.text, '')), ${stop}) END AS is_stop,
            ${sentLocal} AS sent_local, ${readLocal} AS read_local
     FROM messages m JOIN act_customers c USING (customer_id)
     LEFT JOIN zone_hour_offsets zs ON ${offsetJoinSql("m.sent_at", "c.zone", "zs")}
     LEFT JOIN zone_hour_offsets zr ON ${offsetJoinSql("m.read_at", "c.zone", "zr")}`,
    label,
  );

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_sent AS
     -- Only messages sent from the start of the look-back window are measured, and a reply comes
     -- after its message, so neither side needs the older years (per customer, in one zone, local
     -- dates run with time). Later messages stay in, as before: they decide which one a
     -- reply answers.
     WITH outb AS (SELECT * FROM act_messages
       WHERE direction = 'out' AND CAST(sent_local AS DATE) >= ${windowStart}),
     inb AS (SELECT * FROM act_messages
       WHERE direction = 'in' AND CAST(sent_local AS DATE) >= ${windowStart}),
     replies AS (
       -- A customer message answers the latest message we sent before it, within the reply window.
       SELECT o.message_id, min(i.sent_at) AS first_reply_at,
              bool_or(i.is_stop) AS stopped
       FROM inb i ASOF JOIN outb o ON o.customer_id = i.customer_id AND i.sent_at >= o.sent_at
       WHERE i.sent_at - o.sent_at <= to_seconds(${Math.round(a.replyWithinHours * 3600)})
       GROUP BY o.message_id),
     bought AS (
       -- The first paid order after each message decides (an ASOF join, not every message paired
       -- with every order of its customer).
       SELECT o.message_id
       FROM outb o ASOF JOIN (SELECT customer_id, ordered_at FROM orders WHERE status = 'paid') p
         ON p.customer_id = o.customer_id AND p.ordered_at > o.sent_at
       WHERE p.ordered_at <= o.sent_at + to_seconds(${Math.round(a.purchaseWithinHours * 3600)}))
     SELECT o.message_id, o.customer_id, o.country, o.zone, o.category, o.sent_at, o.sent_local,
       CAST(o.sent_local AS DATE) AS local_date, isodow(o.sent_local) AS weekday,
       hour(o.sent_local) AS hour, hour(o.sent_local) * 2 + (minute(o.sent_local) >= 30)::INTEGER
         AS slot,
       ${weekendSql(settings, "o.country", "isodow(o.sent_local)")} AS weekend,
       -- A read status stamped before the send (clock skew in the export) is no duration.
       o.read_local, CASE WHEN o.read_at >= o.sent_at THEN epoch(o.read_at - o.sent_at) / 60 END
         AS read_minutes,
       -- A reply asking to stop is not engagement: it counts as stopped, not as replied.
       r.first_reply_at IS NOT NULL AND NOT coalesce(r.stopped, false) AS replied,
         epoch(r.first_reply_at - o.sent_at) / 60 AS reply_minutes,
       coalesce(epoch(r.first_reply_at - o.sent_at) / 60 <= ${a.fastReplyMinutes}, false) AS fast,
       coalesce(r.stopped, false) AS stopped, b.message_id IS NOT NULL AS purchased
     FROM outb o LEFT JOIN replies r USING (message_id) LEFT JOIN bought b USING (message_id)
     WHERE CAST(o.sent_local AS DATE) ${window}`,
    label,
    params,
  );

  // Every event, whatever its age: periods such as last year's Ramadan need more than the
  // look-back.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_events_all AS
     WITH e AS (
       SELECT customer_id, country, 'read' AS kind, read_local AS local_ts
       FROM act_messages WHERE direction = 'out' AND read_local IS NOT NULL
       UNION ALL
       SELECT customer_id, country, 'reply', sent_local FROM act_messages WHERE direction = 'in')
     SELECT customer_id, country, kind, local_ts, CAST(local_ts AS DATE) AS local_date,
       isodow(local_ts) AS weekday, hour(local_ts) AS hour,
       ${weekendSql(settings, "country", "isodow(local_ts)")} AS weekend
     FROM e WHERE CAST(local_ts AS DATE) <= CAST($asOf AS DATE)`,
    label,
    params,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_events AS
     SELECT * FROM act_events_all WHERE local_date ${window}`,
    label,
    params,
  );

  const [coverage] = await queryRows<{
    customers: number;
    unknown_customers: number;
    unknown_messages: number;
  }>(
    connection,
    `SELECT (SELECT count(DISTINCT customer_id) FROM act_messages) AS customers,
       count(DISTINCT b.customer_id) AS unknown_customers, count(m.message_id) AS unknown_messages
     FROM customer_basics b JOIN messages m USING (customer_id)
     WHERE b.as_of = ${basicsDate} AND (b.time_zone IS NULL OR b.time_zone = 'unknown')`,
    label,
    params,
  );
  const result = {
    customers: coverage?.customers ?? 0,
    unknownZoneCustomers: coverage?.unknown_customers ?? 0,
    unknownZoneMessages: coverage?.unknown_messages ?? 0,
  };
  builtFor.set(connection, {key, coverage: result});
  return result;
}

const ACTIVITY_TABLES = [
  "act_customers",
  "act_messages",
  "act_sent",
  "act_events_all",
  "act_events",
];

/** What createActivityEvents last built on each connection, and for which inputs. */
const builtFor = new WeakMap<DuckDBConnection, {key: string; coverage: ActivityCoverage}>();

/** A cheap fingerprint of the tables the activity events read; any load or re-tag changes it. */
async function dataVersion(connection: DuckDBConnection): Promise<string> {
  const [row] = await queryRows(
    connection,
    `SELECT (SELECT count(*) FROM messages) AS m, (SELECT max(sent_at) FROM messages) AS ms,
       (SELECT max(read_at) FROM messages) AS mr, (SELECT count(*) FROM orders) AS o,
       (SELECT max(ordered_at) FROM orders) AS ot, (SELECT count(*) FROM customer_basics) AS b,
       (SELECT count(DISTINCT time_zone) FROM customer_basics) AS z,
       (SELECT count(*) FROM customers) AS c, (SELECT max(as_of) FROM customer_basics) AS d`,
    "activity events: data version",
  );
  return JSON.stringify(row);
}

async function tempTablesExist(connection: DuckDBConnection, names: string[]): Promise<boolean> {
  const [row] = await queryRows<{n: number}>(
    connection,
    `SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name IN
      (${names.map(sqlString).join(", ")})`,
    "activity events: cached tables",
  );
  return row?.n === names.length;
}
