import type {Command} from "commander";
import {createActivityEvents} from "../activity/events.js";
import {computeWindows} from "../activity/windows.js";
import {writeQuery} from "../export.js";
import {checkOut, prepareWarehouse, withDataOptions, withWarehouse, type DataOptions} from "./common.js";

/**
 * One long table for both outputs, so a single CSV, Parquet or JSON file holds them: rows of kind
 * "cell" (local weekday × hour per region, with events and the reply rate of messages sent then)
 * and rows of kind "window" (the chosen windows per region with their evidence).
 */
const WINDOWS_SQL = `
  WITH ev AS (
    SELECT coalesce(country, 'all') AS region, weekday, hour, count(*) AS events,
      count(*) FILTER (WHERE kind = 'read') AS reads, count(*) FILTER (WHERE kind = 'reply') AS replies
    FROM act_events GROUP BY GROUPING SETS ((country, weekday, hour), (weekday, hour))),
  rt AS (
    SELECT coalesce(country, 'all') AS region, weekday, hour, count(*) AS sent,
      count(*) FILTER (WHERE replied) AS replied, count(*) FILTER (WHERE replied) / count(*) AS reply_rate
    FROM act_sent GROUP BY GROUPING SETS ((country, weekday, hour), (weekday, hour)))
  -- Two readings of an hour, kept apart: events (reads and customer messages, by the local hour
  -- they happened) and sends (our messages by the local hour they went out; replied and
  -- reply_rate are of those), so "we send at 10:00" is not read as "customers are active then".
  SELECT * FROM (
  SELECT 'cell' AS row_kind, region, NULL::VARCHAR AS day_type, weekday, hour, NULL::VARCHAR AS window_kind,
    NULL::VARCHAR AS window_start, NULL::VARCHAR AS window_end, coalesce(events, 0) AS events,
    coalesce(reads, 0) AS reads, coalesce(replies, 0) AS customer_messages, coalesce(sent, 0) AS sent,
    coalesce(replied, 0) AS replied, reply_rate, NULL::DOUBLE AS ci_low, NULL::DOUBLE AS ci_high, NULL::BIGINT AS stopped,
    NULL::VARCHAR AS metric, NULL::DOUBLE AS metric_rate, NULL::VARCHAR AS source, NULL::VARCHAR AS note
  FROM ev FULL JOIN rt USING (region, weekday, hour)
  UNION ALL
  SELECT 'window', region, day_type, NULL, NULL, kind,
    printf('%02d:%02d', (start_slot * 30) // 60, (start_slot * 30) % 60),
    printf('%02d:%02d', (((start_slot + slots) % 48) * 30) // 60, (((start_slot + slots) % 48) * 30) % 60),
    NULL, NULL, NULL, sent, replied, reply_rate, ci_low, ci_high, stopped, metric, metric_rate, source, note
  FROM act_windows)
  ORDER BY row_kind, region = 'all' DESC, region, day_type, weekday, hour, window_kind`;

export function registerWindows(program: Command): void {
  withDataOptions(program.command("windows"))
    .description("write activity cells (region, local weekday, local hour, events, reply rate) and send windows per region")
    .option("--out <file>", "output file: .csv, .parquet or .json (default: CSV on stdout)")
    .action(async (options: DataOptions & {out?: string}) => {
      checkOut(options.out);
      const {warehouse, asOf, settings, log} = await prepareWarehouse(options, "windows");
      const rows = await withWarehouse(warehouse, async (db) => {
        const coverage = await createActivityEvents(db.connection, asOf, settings);
        const windows = await computeWindows(db.connection, settings);
        if (coverage.unknownZoneCustomers > 0) {
          log(`${coverage.unknownZoneCustomers} customers with an unknown zone left out (${coverage.unknownZoneMessages} messages)`);
        }
        const fallbacks = windows.filter((w) => w.kind === "best" && w.source === "default").length;
        if (fallbacks > 0) log(`${fallbacks} region/day-type best windows fall back to the configured default`);
        return writeQuery(db.connection, WINDOWS_SQL, options.out, "windows");
      });
      log(`${rows} rows as of ${asOf}${options.out ? ` → ${options.out}` : ""}`);
    });
}
