import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows} from "../duckdb.js";

/** Reads and customer messages in one local weekday × hour cell of one region. */
export interface HeatmapCell {
  region: string;
  day_type: "weekday" | "weekend";
  weekday: number;
  hour: number;
  reads: number;
  replies: number;
}

/** What happened to the messages sent in one local weekday × hour cell of one region. */
export interface RateCell {
  region: string;
  weekday: number;
  hour: number;
  sent: number;
  read: number;
  replied: number;
  reply_rate: number | null;
  median_read_minutes: number | null;
}

/**
 * Heatmap cells of reads and customer messages by local ISO weekday × hour, per region ("all" and
 * each country), from `act_events`. Weekend cells follow each country's own weekend.
 */
export async function heatmapCells(connection: DuckDBConnection): Promise<HeatmapCell[]> {
  return queryRows<HeatmapCell>(
    connection,
    `SELECT coalesce(country, 'all') AS region, CASE WHEN weekend THEN 'weekend' ELSE 'weekday' END AS day_type,
       weekday, hour, count(*) FILTER (WHERE kind = 'read') AS reads,
       count(*) FILTER (WHERE kind = 'reply') AS replies
     FROM act_events GROUP BY GROUPING SETS ((country, weekend, weekday, hour), (weekend, weekday, hour))
     ORDER BY region = 'all' DESC, region, weekday, hour`,
    "activity heatmap",
  );
}

/**
 * Reply rate and median minutes to read by the local weekday × hour a message was *sent*, so the
 * shop's own sending habit shows as volume (`sent`) and not as customer activity.
 */
export async function rateCells(connection: DuckDBConnection): Promise<RateCell[]> {
  return queryRows<RateCell>(
    connection,
    `SELECT coalesce(country, 'all') AS region, weekday, hour, count(*) AS sent,
       count(read_local) AS read, count(*) FILTER (WHERE replied) AS replied,
       count(*) FILTER (WHERE replied) / count(*) AS reply_rate,
       median(read_minutes) AS median_read_minutes
     FROM act_sent GROUP BY GROUPING SETS ((country, weekday, hour), (weekday, hour))
     ORDER BY region = 'all' DESC, region, weekday, hour`,
    "activity rates",
  );
}
