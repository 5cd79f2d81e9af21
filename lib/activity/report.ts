import type {DuckDBConnection} from "@duckdb/node-api";
import type {Settings} from "../settings/index.js";
import {createActivityEvents, type ActivityCoverage} from "./events.js";
import {heatmapCells, rateCells, type HeatmapCell, type RateCell} from "./heatmap.js";
import {periodReport, type PeriodRange, type PeriodShift} from "./periods.js";
import {regionTable, type RegionRow} from "./regions.js";
import {computeWindows, type SendWindow} from "./windows.js";

/** Everything the activity page and the windows command show, as plain JSON values. */
export interface ActivityReport {
  asOf: string;
  coverage: ActivityCoverage;
  heatmap: HeatmapCell[];
  rates: RateCell[];
  windows: SendWindow[];
  periods: {ranges: PeriodRange[]; shifts: PeriodShift[]; cells: Record<string, unknown>[]};
  regions: RegionRow[];
  settings: {quietHours: {start: number; end: number}; windowHours: number; minEvidence: number; lookbackDays: number;
    compareDays: number; minReplies: number; minSlotReplies: number; minStops: number; minPeriodEvents: number};
}

/**
 * The activity report as of a date: heatmaps in each customer's local time, rates by local send
 * time, send windows per region, period comparisons and the region table. All work runs in DuckDB
 * temp tables (act_*); only aggregates come back.
 */
export async function activityReport(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<ActivityReport> {
  const coverage = await createActivityEvents(connection, asOf, settings);
  const windows = await computeWindows(connection, settings);
  const a = settings.activity;
  return {
    asOf,
    coverage,
    heatmap: await heatmapCells(connection),
    rates: await rateCells(connection),
    windows,
    periods: await periodReport(connection, settings),
    regions: await regionTable(connection, asOf, settings),
    settings: {quietHours: a.quietHours, windowHours: a.windowHours, minEvidence: a.minEvidence, lookbackDays: a.lookbackDays,
      compareDays: a.regions.compareDays, minReplies: a.minReplies, minSlotReplies: a.minSlotReplies, minStops: a.minStops,
      minPeriodEvents: a.minPeriodEvents},
  };
}
