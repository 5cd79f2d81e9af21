import type {DuckDBConnection} from "@duckdb/node-api";
import {run, sqlString} from "../duckdb.js";

/**
 * SQL for the UTC hour an instant falls in, as whole hours since 1970.
 *
 * Computed from the epoch rather than with date_trunc, because date_trunc on a TIMESTAMPTZ cuts at
 * the session zone's hour boundaries, which are half past the UTC hour in zones such as
 * Asia/Kolkata.
 */
export function utcHourSql(instant: string): string {
  return `CAST(floor(epoch(${instant}) / 3600) AS BIGINT)`;
}

/**
 * Builds the temp table `zone_hour_offsets(zone, utc_hour, offset_s)`: each zone's offset from UTC
 * during each UTC hour between two instants, for hours in which the offset does not change.
 *
 * Joining events to this table is several times faster than calling timezone(zone, ts) on every
 * row. It stays exact across daylight-saving changes because an hour that holds a change (such as
 * Australia/Adelaide's, at 16:30 UTC) is left out, and `localTimestampSql` converts those rows one
 * by one instead. An offset is read at the first and last second of the hour; if both agree the
 * whole hour has it, since no zone changes twice within an hour (nor twice within a day, which is
 * what lets stable days be read once).
 *
 * @param zonesSql A query returning a column `zone` of IANA zone names.
 * @param fromSql, toSql SQL instants bounding the events (NULL when there are none).
 */
export async function createZoneHourOffsets(
  connection: DuckDBConnection,
  zonesSql: string,
  fromSql: string,
  toSql: string,
  label: string,
): Promise<void> {
  // ICU lookups cost microseconds each, and zones × hours over two years is over half a million
  // hours. Offsets change only a few times a year, so they are read once per zone and UTC day (at
  // its first and last second); only days whose two readings differ are read hour by hour.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE zone_hour_offsets AS
     WITH zones AS (SELECT DISTINCT zone FROM (${zonesSql}) WHERE zone IS NOT NULL),
     bounds AS (SELECT ${utcHourSql(fromSql)} AS lo, ${utcHourSql(toSql)} AS hi),
     days AS (
       SELECT z.zone, d.utc_day, to_timestamp(d.utc_day * 86400) AS t0, to_timestamp(d.utc_day *
         86400 + 86399) AS t1
       FROM zones z, bounds b, range(b.lo // 24, b.hi // 24 + 1) AS d(utc_day)
       WHERE b.lo IS NOT NULL),
     day_offsets AS (
       SELECT zone, utc_day,
         CAST(epoch(timezone(zone, t0)) - epoch(timezone('UTC', t0)) AS INTEGER) AS off0,
         CAST(epoch(timezone(zone, t1)) - epoch(timezone('UTC', t1)) AS INTEGER) AS off1
       FROM days),
     stable AS (
       SELECT d.zone, d.utc_day * 24 + h.h AS utc_hour, d.off0 AS offset_s
       FROM day_offsets d, range(24) AS h(h) WHERE d.off0 = d.off1),
     changing AS (
       SELECT d.zone, d.utc_day * 24 + h.h AS utc_hour,
         to_timestamp((d.utc_day * 24 + h.h) * 3600) AS t0, to_timestamp((d.utc_day * 24 + h.h) *
           3600 + 3599) AS t1
       FROM day_offsets d, range(24) AS h(h) WHERE d.off0 <> d.off1),
     changing_offsets AS (
       SELECT zone, utc_hour,
         CAST(epoch(timezone(zone, t0)) - epoch(timezone('UTC', t0)) AS INTEGER) AS off0,
         CAST(epoch(timezone(zone, t1)) - epoch(timezone('UTC', t1)) AS INTEGER) AS off1
       FROM changing)
     SELECT zone, utc_hour, offset_s FROM stable, bounds WHERE utc_hour BETWEEN bounds.lo AND
       bounds.hi
     UNION ALL
     SELECT zone, utc_hour, off0 FROM changing_offsets, bounds
     WHERE off0 = off1 AND utc_hour BETWEEN bounds.lo AND bounds.hi`,
    label,
  );
}

/**
 * SQL for an instant's local wall time (a TIMESTAMP) in a zone, through an alias of
 * zone_hour_offsets joined on that zone and the instant's UTC hour, falling back to a per-row
 * timezone() where the hour is missing (a daylight-saving change inside it).
 *
 * Neither branch reads the session's TimeZone: timezone('UTC', ts) is the UTC wall time.
 */
export function localTimestampSql(instant: string, zone: string, offsetAlias: string): string {
  return `CASE WHEN ${instant} IS NULL THEN NULL
    WHEN ${offsetAlias}.offset_s IS NOT NULL THEN timezone('UTC', ${instant}) +
      to_seconds(${offsetAlias}.offset_s)
    ELSE timezone(${zone}, ${instant}) END`;
}

/** The ON clause joining an alias of zone_hour_offsets to an instant in a zone. */
export function offsetJoinSql(instant: string, zone: string, offsetAlias: string): string {
  return `${offsetAlias}.zone = ${zone} AND ${offsetAlias}.utc_hour = ${utcHourSql(instant)}`;
}

/**
 * SQL for every zone a customer can be counted in: each time zone of customer_basics, and the
 * shop's zone (settings.ingest.timeZone, unquoted), used for customers whose own zone is unknown.
 */
export function customerZonesSql(shopZone: string): string {
  return `SELECT time_zone AS zone FROM customer_basics
     WHERE time_zone IS NOT NULL AND time_zone <> 'unknown'
     UNION SELECT ${sqlString(shopZone)}`;
}

/**
 * Builds zone_hour_offsets for some zones over the whole span of the event tables, so that any
 * order, message or web event can be converted through it.
 *
 * @param zonesSql A query returning a column `zone`, such as customerZonesSql(shopZone).
 */
export async function createEventZoneOffsets(
  connection: DuckDBConnection,
  zonesSql: string,
  label: string,
): Promise<void> {
  const instants = [
    "SELECT ordered_at AS t FROM orders",
    "SELECT sent_at FROM messages",
    "SELECT read_at FROM messages",
    'SELECT "at" FROM web_events',
  ].join(" UNION ALL ");
  await createZoneHourOffsets(
    connection,
    zonesSql,
    `(SELECT min(t) - INTERVAL 1 DAY FROM (${instants}))`,
    `(SELECT max(t) + INTERVAL 1 DAY FROM (${instants}))`,
    label,
  );
}

/**
 * SQL for an instant's local calendar date in a zone, through an alias of zone_hour_offsets that
 * the query joins with `offsetJoinSql` (see localTimestampSql).
 */
export function localDateSql(instant: string, zone: string, offsetAlias: string): string {
  return `CAST(${localTimestampSql(instant, zone, offsetAlias)} AS DATE)`;
}
