import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {queryNumber, sqlString} from "../lib/duckdb.js";
import type {Settings} from "../lib/settings/index.js";
import type {PeerResult} from "./peer-typed.js";

/**
 * Writes what the peers read besides the drop, into `dir`: zones.parquet/.csv (customer_id, zone,
 * zone_unknown: the zone tagbook's basics decided, the shop's zone when unknown) and
 * offsets.parquet/.csv (zone, utc_hour, off0, off1, switch_s).
 *
 * Zone inference from phone numbers is tagbook's own feature, not part of the raced work, so the
 * peers take its result. Offsets come from DuckDB's time-zone rules so that every contender uses
 * the same ones: the tz databases of Node (2025c) and Debian (2025b) differ from DuckDB's for
 * America/Vancouver and America/Edmonton from 2026-11-01, which alone made answers differ. An hour
 * whose offset changes inside it (Australia/Adelaide at 16:30 UTC) carries both offsets and the
 * second of the change (switch_s; 3600 when the hour has one offset).
 */
export async function writePeerInputs(connection: DuckDBConnection, dir: string, asOf: string, settings: Settings): Promise<void> {
  const zoneSql = `SELECT customer_id,
      CASE WHEN time_zone = 'unknown' THEN ${sqlString(settings.ingest.timeZone)} ELSE time_zone END AS zone,
      time_zone = 'unknown' AS zone_unknown
    FROM customer_basics WHERE as_of = CAST(${sqlString(asOf)} AS DATE)`;
  await connection.run(`COPY (${zoneSql}) TO ${sqlString(join(dir, "zones.parquet"))} (FORMAT parquet)`);
  await connection.run(`COPY (${zoneSql}) TO ${sqlString(join(dir, "zones.csv"))} (HEADER)`);
  const offsetSql = `WITH b AS (
      SELECT floor(epoch(least((SELECT min(ordered_at) FROM orders), (SELECT min(sent_at) FROM messages))) / 3600) - 48 AS lo,
             floor(epoch(greatest((SELECT max(ordered_at) FROM orders), (SELECT max(sent_at) FROM messages),
                                  (SELECT max(read_at) FROM messages))) / 3600) + 48 AS hi),
    h AS (
      SELECT z.zone, CAST(r.h AS BIGINT) AS utc_hour
      FROM (SELECT DISTINCT zone FROM (${zoneSql})) z, b, range(CAST(b.lo AS BIGINT), CAST(b.hi AS BIGINT) + 1) r(h)),
    o AS (
      SELECT zone, utc_hour,
        CAST(epoch(timezone(zone, to_timestamp(utc_hour * 3600))) - utc_hour * 3600 AS INTEGER) AS off0,
        CAST(epoch(timezone(zone, to_timestamp(utc_hour * 3600 + 3599))) - (utc_hour * 3600 + 3599) AS INTEGER) AS off1
      FROM h)
    SELECT zone, utc_hour, off0, off1,
      CAST(CASE WHEN off0 = off1 THEN 3600 ELSE (
        SELECT min(s) FROM range(0, 3600, 60) m(s)
        WHERE CAST(epoch(timezone(o.zone, to_timestamp(o.utc_hour * 3600 + s))) - (o.utc_hour * 3600 + s) AS INTEGER) = o.off1)
      END AS INTEGER) AS switch_s
    FROM o`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE bench_offsets AS ${offsetSql}`);
  await connection.run(`COPY bench_offsets TO ${sqlString(join(dir, "offsets.parquet"))} (FORMAT parquet)`);
  await connection.run(`COPY bench_offsets TO ${sqlString(join(dir, "offsets.csv"))} (HEADER)`);
}

/** The tag families the peers compute too. */
export const COMPARED_FAMILIES = ["frequency", "lifecycle", "interaction"];

/**
 * tagbook's answers to the raced questions, read after computeTags: counts per tag of the compared
 * families, activity cells from act_events (when asked), and 12-month net spend from tier_spend
 * (when the spend tiers producer made it).
 */
export async function tagbookAnswers(connection: DuckDBConnection, asOf: string, cells: boolean): Promise<Omit<PeerResult, "spend"> & {spend?: PeerResult["spend"]}> {
  const tags: Record<string, number> = {};
  const rows = (await connection.runAndReadAll(
    `SELECT family || ': ' || tag, count(*) FROM tag_snapshots
     WHERE as_of = CAST(${sqlString(asOf)} AS DATE) AND family IN (${COMPARED_FAMILIES.map(sqlString).join(", ")})
     GROUP BY ALL`,
  )).getRowsJS();
  for (const [k, v] of rows) tags[String(k)] = Number(v);
  const out: Record<string, number> = {};
  let customerCells = 0;
  if (cells) {
    const cellRows = (await connection.runAndReadAll(
      `SELECT CASE kind WHEN 'reply' THEN 1 ELSE 2 END * 1000 + weekday * 100 + hour, count(*)
       FROM act_events GROUP BY ALL`,
    )).getRowsJS();
    for (const [k, v] of cellRows) out[String(k)] = Number(v);
    customerCells = await queryNumber(
      connection,
      "SELECT count(*) FROM (SELECT DISTINCT customer_id, weekday, hour FROM act_events)",
      "bench cells",
    );
  }
  let spend: PeerResult["spend"] | undefined;
  const tierSpend = await queryNumber(
    connection,
    "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'tier_spend' AND temporary",
    "bench spend",
  );
  if (tierSpend > 0) {
    const [row] = (await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE round(spend * 100) <> 0), CAST(sum(round(spend * 100)) AS BIGINT) FROM tier_spend`,
    )).getRowsJS();
    spend = {customers: Number(row![0]), cents: Number(row![1] ?? 0)};
  }
  return {tags, cells: out, customerCells, ...(spend ? {spend} : {})};
}

/** Differences between two answers (empty when identical), a few lines at most. */
export function diffAnswers(a: Partial<PeerResult>, b: Partial<PeerResult>, limit = 6): string[] {
  const out: string[] = [];
  for (const part of ["tags", "cells"] as const) {
    const x = a[part];
    const y = b[part];
    if (!x || !y) continue;
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[key] !== y[key]) out.push(`${part} ${key}: ${x[key] ?? 0} against ${y[key] ?? 0}`);
    }
  }
  if (a.customerCells !== undefined && b.customerCells !== undefined && a.customerCells !== b.customerCells) {
    out.push(`customer cells: ${a.customerCells} against ${b.customerCells}`);
  }
  if (a.spend && b.spend && JSON.stringify(a.spend) !== JSON.stringify(b.spend)) {
    out.push(`12-month net spend: ${JSON.stringify(a.spend)} against ${JSON.stringify(b.spend)}`);
  }
  return out.slice(0, limit);
}

