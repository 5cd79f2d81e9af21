import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run} from "../duckdb.js";
import type {Settings} from "../settings/index.js";

/** Half-hour slots in a day: slot 27 is 13:30–14:00. */
export const SLOTS_PER_DAY = 48;

/** Which outcome a window is chosen for. */
export type WindowKind = "best" | "best half hour" | "worst" | "instant" | "considered";

/** One chosen window of one region and day type, with the evidence behind it. */
export interface SendWindow {
  region: string;
  day_type: "weekday" | "weekend";
  kind: WindowKind;
  start: string;
  end: string;
  start_slot: number;
  slots: number;
  sent: number;
  replied: number;
  reply_rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  fast: number;
  purchased: number;
  stopped: number;
  /** The rate the window was chosen on (reply, fast reply, purchase or stop rate). */
  metric: string;
  metric_rate: number | null;
  /** "data", or "default" when the region had too little evidence (see `note`). */
  source: "data" | "default";
  note: string;
}

/** "HH:MM" of a half-hour slot (48 is midnight at the end of the day, shown "24:00"). */
export function slotClock(slot: number): string {
  const minutes = slot * 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${minutes % 60 === 0 ? "00" : "30"}`;
}

/** The half-hour slot of a "HH:MM" clock time on the half-hour grid. */
export function clockSlot(clock: string): number {
  const match = /^(\d{2}):(00|30)$/.exec(clock);
  if (!match) throw new Error(`clock time ${JSON.stringify(clock)}: expected HH:00 or HH:30`);
  return Number(match[1]) * 2 + (match[2] === "30" ? 1 : 0);
}

/** True when a local hour lies in the quiet hours [start, end), which may wrap past midnight. */
export function isQuietHour(hour: number, quiet: {start: number; end: number}): boolean {
  if (quiet.start === quiet.end) return false;
  return quiet.start < quiet.end
    ? hour >= quiet.start && hour < quiet.end
    : hour >= quiet.start || hour < quiet.end;
}

/**
 * The candidate windows of `slots` half hours as SQL VALUES (start_slot, slot, allowed): one row
 * per slot a window covers. A window is allowed for recommending only when none of its half hours
 * is in the quiet hours, so night is never recommended whatever the data says.
 */
function windowSlotsSql(slots: number, quiet: {start: number; end: number}): string {
  const rows: string[] = [];
  for (let start = 0; start < SLOTS_PER_DAY; start++) {
    const covered = Array.from({length: slots}, (_, j) => (start + j) % SLOTS_PER_DAY);
    const allowed = covered.every((slot) => !isQuietHour(Math.floor(slot / 2), quiet));
    for (const slot of covered) rows.push(`(${start}, ${slot}, ${allowed})`);
  }
  return `(VALUES ${rows.join(", ")}) AS w(start_slot, slot, allowed)`;
}

/** SQL for the 95% Wilson interval bound of k successes out of n (sign -1 lower, +1 upper). */
function wilsonSql(k: string, n: string, sign: 1 | -1): string {
  const z = 1.959964;
  return `CASE WHEN ${n} > 0 THEN
    ((${k}) / (${n}) + ${z * z} / (2 * (${n})) ${sign < 0 ? "-" : "+"}
      ${z} * sqrt((${k}) / (${n}) * (1 - (${k}) / (${n})) / (${n}) + ${z * z} / (4 * (${n}) * (${n}))))
    / (1 + ${z * z} / (${n})) END`;
}

/**
 * Chooses each region's send windows from `act_sent` (see createActivityEvents) into the temp
 * table `act_windows`, one row per region ("all" and each country), day type and kind:
 *
 * - best: the window of `windowHours` with the highest reply rate, outside the quiet hours;
 * - best half hour: the half hour with the highest reply rate, outside the quiet hours;
 * - worst: the window (night included) with the most "stop" replies per message, then the lowest
 *   reply rate; the window to avoid;
 * - instant: the window with the most replies within `fastReplyMinutes` (flash offers);
 * - considered: the window most often followed by a paid order within `purchaseWithinHours`.
 *
 * A window needs `minEvidence` messages sent in it (a half hour `minSlotEvidence`); a region with
 * no such window falls back to the configured default window, with its own counts, and says so.
 * Ties go to more evidence, then the earlier start.
 */
export async function computeWindows(connection: DuckDBConnection, settings: Settings): Promise<SendWindow[]> {
  const label = "send windows";
  const a = settings.activity;
  const slots = Math.round(a.windowHours * 2);

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_slot_stats AS
     SELECT coalesce(country, 'all') AS region, CASE WHEN weekend THEN 'weekend' ELSE 'weekday' END AS day_type,
       slot, count(*) AS sent, count(*) FILTER (WHERE replied) AS replied,
       count(*) FILTER (WHERE fast) AS fast, count(*) FILTER (WHERE purchased) AS purchased,
       count(*) FILTER (WHERE stopped) AS stopped
     FROM act_sent GROUP BY GROUPING SETS ((country, weekend, slot), (weekend, slot))`,
    label,
  );

  // Every region with a customer of known zone, and both day types, gets its windows: one that
  // was never messaged still needs a time to be sent to, so it takes the configured default.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_window_regions AS
     SELECT r.region, d.day_type
     FROM (SELECT DISTINCT country AS region FROM act_customers UNION SELECT 'all') r,
          (VALUES ('weekday'), ('weekend')) d(day_type)`,
    label,
  );

  const defaults = Object.entries(a.defaultWindows.byCountry);
  const defaultStart = (dayType: "weekday" | "weekend") => {
    const cases = defaults.map(([code, w]) => `WHEN c.region = '${code}' THEN ${clockSlot(w[dayType])}`);
    const fallback = clockSlot(a.defaultWindows.default[dayType]);
    return cases.length ? `CASE ${cases.join(" ")} ELSE ${fallback} END` : String(fallback);
  };

  const windows = (n: number) => `
    SELECT r.region, r.day_type, w.start_slot, ${n} AS slots, bool_and(w.allowed) AS allowed,
      coalesce(sum(s.sent), 0) AS sent, coalesce(sum(s.replied), 0) AS replied,
      coalesce(sum(s.fast), 0) AS fast, coalesce(sum(s.purchased), 0) AS purchased,
      coalesce(sum(s.stopped), 0) AS stopped
    FROM act_window_regions r
    CROSS JOIN ${windowSlotsSql(n, a.quietHours)}
    LEFT JOIN act_slot_stats s ON s.region = r.region AND s.day_type = r.day_type AND s.slot = w.slot
    GROUP BY ALL`;

  // kind, half hours, metric, counted outcome, evidence minimum, night allowed, order.
  const kinds: [WindowKind, number, string, string, number, boolean, string][] = [
    ["best", slots, "reply rate", "replied", a.minEvidence, false, "rate DESC"],
    ["best half hour", 1, "reply rate", "replied", a.minSlotEvidence, false, "rate DESC"],
    ["worst", slots, "stop rate", "stopped", a.minEvidence, true, "rate DESC, replied / sent ASC"],
    ["instant", slots, "fast reply rate", "fast", a.minEvidence, false, "rate DESC"],
    ["considered", slots, "purchase rate", "purchased", a.minEvidence, false, "rate DESC"],
  ];
  const columns = "region, day_type, start_slot, slots, sent, replied, fast, purchased, stopped";
  const parts = kinds.map(([kind, n, metric, count, minimum, night, order]) => {
    const eligible = night ? "true" : "allowed";
    // The worst window has no default: a region without evidence has no known bad window.
    const fallback = kind === "worst" ? "" : `
      UNION ALL
      SELECT ${columns.split(", ").map((c) => `c.${c}`).join(", ")}, ${count} / nullif(c.sent, 0),
        m.most_sent, ${minimum}, 'default'
      FROM cand c JOIN most m USING (region, day_type)
      WHERE coalesce(m.most_sent, 0) < ${minimum}
        AND c.start_slot = CASE WHEN c.day_type = 'weekend' THEN ${defaultStart("weekend")} ELSE ${defaultStart("weekday")} END`;
    return `SELECT *, '${kind}' AS kind, '${metric}' AS metric FROM (
      WITH cand AS (${windows(n)}),
      most AS (SELECT region, day_type, max(sent) FILTER (WHERE ${eligible}) AS most_sent FROM cand GROUP BY ALL)
      SELECT ${columns}, rate, most_sent, minimum, source FROM (
        SELECT c.*, ${count} / sent AS rate, m.most_sent, ${minimum} AS minimum, 'data' AS source,
          row_number() OVER (PARTITION BY region, day_type ORDER BY ${order}, sent DESC, start_slot) AS rank
        FROM cand c JOIN most m USING (region, day_type)
        WHERE c.sent >= ${minimum} AND ${eligible})
      WHERE rank = 1${fallback})`;
  });

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_windows AS
     SELECT region, day_type, kind, start_slot, slots, sent, replied,
       replied / nullif(sent, 0) AS reply_rate,
       ${wilsonSql("replied", "sent", -1)} AS ci_low, ${wilsonSql("replied", "sent", 1)} AS ci_high,
       fast, purchased, stopped, metric, rate AS metric_rate, source, most_sent, minimum
     FROM (${parts.join(" UNION ALL ")})`,
    label,
  );
  return queryRows<SendWindow>(
    connection,
    `SELECT region, day_type, kind, start_slot, slots, sent, replied, reply_rate, ci_low, ci_high,
       fast, purchased, stopped, metric, metric_rate, source,
       CASE WHEN source = 'default'
              THEN format('configured default: no window outside quiet hours has {} messages (most: {})',
                          minimum, coalesce(most_sent, 0))
            ELSE format('{}: {} of {} messages', metric, CAST(round(metric_rate * sent) AS BIGINT), sent)
       END AS note
     FROM act_windows
     ORDER BY region = 'all' DESC, region, day_type, kind`,
    label,
  ).then((rows) =>
    rows.map((row) => ({
      ...row,
      start: slotClock(row.start_slot),
      end: slotClock((row.start_slot + row.slots) % SLOTS_PER_DAY),
    })),
  );
}
