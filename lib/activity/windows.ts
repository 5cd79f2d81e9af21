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

/**
 * The quiet hours as one window in the same VALUES shape (start_slot, slot, allowed), or null when
 * the quiet hours are empty (start = end). The worst window falls back to it: without enough stop
 * replies to measure a bad time, the configured night is the one time known to be wrong to send.
 */
function quietWindow(quiet: {
  start: number;
  end: number;
}): {start: number; slots: number; sql: string} | null {
  if (quiet.start === quiet.end) return null;
  const start = quiet.start * 2;
  const slots = ((quiet.end - quiet.start + 24) % 24) * 2;
  const rows = Array.from(
    {length: slots},
    (_, j) => `(${start}, ${(start + j) % SLOTS_PER_DAY}, false)`,
  );
  return {start, slots, sql: `(VALUES ${rows.join(", ")}) AS w(start_slot, slot, allowed)`};
}

/**
 * SQL for the 95% Wilson interval bound of k successes out of n (sign -1 lower, +1 upper), in
 * [0, 1]. The bounds are exactly 0 at k = 0 and 1 at k = n, but floating point leaves them a hair
 * either side (−6.5e-18 for 0 of 56), which reads as a negative reply rate: the edges are set
 * exactly, and the rest clamped.
 */
function wilsonSql(k: string, n: string, sign: 1 | -1): string {
  const z = 1.959964;
  const edge = sign < 0 ? `WHEN ${k} = 0 THEN 0.0` : `WHEN ${k} = ${n} THEN 1.0`;
  return `CASE WHEN ${n} > 0 THEN CASE ${edge} ELSE greatest(0, least(1,
    ((${k}) / (${n}) + ${z * z} / (2 * (${n})) ${sign < 0 ? "-" : "+"}
      ${z} * sqrt((${k}) / (${n}) * (1 - (${k}) / (${n})) / (${n}) + ${z * z} / (4 * (${n}) *
        (${n}))))
    / (1 + ${z * z} / (${n})))) END END`;
}

/** SQL "HH:MM" of a half-hour slot expression, wrapping at midnight. */
function clockSql(slot: string): string {
  return `printf('%02d:%02d', ((${slot}) % ${SLOTS_PER_DAY} * 30) // 60, ((${slot}) %
    ${SLOTS_PER_DAY} * 30) % 60)`;
}

/** SQL for "3 replies" / "1 reply": a count with its noun in the singular or plural. */
function countSql(n: string, [one, many]: readonly [string, string]): string {
  return `format('{} {}', ${n}, CASE WHEN ${n} = 1 THEN '${one}' ELSE '${many}' END)`;
}

/** One kind of window: how it is chosen and how much evidence it needs. */
interface KindRule {
  kind: WindowKind;
  /** Half hours in the window. */
  slots: number;
  metric: string;
  /** The act_slot_stats column counted (the outcome the window is chosen on). */
  count: "replied" | "fast" | "purchased" | "stopped";
  /** That outcome in words, singular and plural, for the notes. */
  outcome: readonly [string, string];
  /** Messages sent in the window, at least. */
  minSent: number;
  /** Outcomes counted in the window, at least. */
  minCount: number;
  /** Whether the window may lie in the quiet hours (only the window to avoid may). */
  night: boolean;
  order: string;
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
 * A window is chosen only on evidence: `minEvidence` messages sent in it (a half hour
 * `minSlotEvidence`) and `minReplies` of the outcome it is chosen on (replies, fast replies or paid
 * orders; a half hour `minSlotReplies`; the worst window `minStops` stop replies). A rate of 0 of
 * 104 is no evidence that a time is good, nor is 0 stops that a time is bad. A region with no such
 * window falls back, with that window's own counts and a note saying why: the best, instant and
 * considered windows to the configured default window, the best half hour to the one with most
 * replies inside the region's measured best window (else the default), the worst window to the
 * quiet hours (the configured night, not a measured one; none when the quiet hours are empty).
 * Ties go to more evidence, then the earlier start.
 */
export async function computeWindows(
  connection: DuckDBConnection,
  settings: Settings,
): Promise<SendWindow[]> {
  const label = "send windows";
  const a = settings.activity;
  const slots = Math.round(a.windowHours * 2);

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_slot_stats AS
     SELECT coalesce(country, 'all') AS region, CASE WHEN weekend THEN 'weekend' ELSE 'weekday'
       END AS day_type,
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
    const cases = defaults.map(
      ([code, w]) => `WHEN c.region = '${code}' THEN ${clockSlot(w[dayType])}`,
    );
    const fallback = clockSlot(a.defaultWindows.default[dayType]);
    return cases.length ? `CASE ${cases.join(" ")} ELSE ${fallback} END` : String(fallback);
  };

  // Candidate windows of `n` half hours per region and day type, summed from the slot counts.
  const windows = (n: number, slotsSql: string) => `
    SELECT r.region, r.day_type, w.start_slot, ${n} AS slots, bool_and(w.allowed) AS allowed,
      coalesce(sum(s.sent), 0) AS sent, coalesce(sum(s.replied), 0) AS replied,
      coalesce(sum(s.fast), 0) AS fast, coalesce(sum(s.purchased), 0) AS purchased,
      coalesce(sum(s.stopped), 0) AS stopped
    FROM act_window_regions r
    CROSS JOIN ${slotsSql}
    LEFT JOIN act_slot_stats s ON s.region = r.region AND s.day_type = r.day_type AND s.slot =
      w.slot
    GROUP BY ALL`;

  const replies = ["reply", "replies"] as const;
  const rules: KindRule[] = [
    {
      kind: "best",
      slots,
      metric: "reply rate",
      count: "replied",
      outcome: replies,
      minSent: a.minEvidence,
      minCount: a.minReplies,
      night: false,
      order: "rate DESC",
    },
    {
      kind: "best half hour",
      slots: 1,
      metric: "reply rate",
      count: "replied",
      outcome: replies,
      minSent: a.minSlotEvidence,
      minCount: a.minSlotReplies,
      night: false,
      order: "rate DESC",
    },
    {
      kind: "worst",
      slots,
      metric: "stop rate",
      count: "stopped",
      outcome: ["stop reply", "stop replies"],
      minSent: a.minEvidence,
      minCount: a.minStops,
      night: true,
      order: "rate DESC, replied / sent ASC",
    },
    {
      kind: "instant",
      slots,
      metric: "fast reply rate",
      count: "fast",
      outcome: ["fast reply", "fast replies"],
      minSent: a.minEvidence,
      minCount: a.minReplies,
      night: false,
      order: "rate DESC",
    },
    {
      kind: "considered",
      slots,
      metric: "purchase rate",
      count: "purchased",
      outcome: ["paid order", "paid orders"],
      minSent: a.minEvidence,
      minCount: a.minReplies,
      night: false,
      order: "rate DESC",
    },
  ];
  const quiet = quietWindow(a.quietHours);
  const columns = [
    "region",
    "day_type",
    "start_slot",
    "slots",
    "sent",
    "replied",
    "fast",
    "purchased",
    "stopped",
  ];
  // The best window each region chose on its data (as the "best" rule below chooses it), so that a
  // region short of evidence for a half hour of its own gets one inside that window rather than
  // the configured default, which may lie elsewhere in the day.
  const best = rules[0]!;
  const bestChosen = `
    SELECT region, day_type, start_slot AS best_slot FROM (
      SELECT *, replied / nullif(sent, 0) AS rate FROM
        (${windows(best.slots, windowSlotsSql(best.slots, a.quietHours))}))
    WHERE allowed AND sent >= ${best.minSent} AND replied >= ${best.minCount}
    QUALIFY row_number() OVER (PARTITION BY region, day_type ORDER BY ${best.order}, sent DESC,
      start_slot) = 1`;
  const days = "CASE WHEN s.day_type = 'weekend' THEN 'on weekends' ELSE 'on weekdays' END";
  const parts = rules.map((r) => {
    const outside = r.night ? "" : " outside quiet hours";
    const outcome = r.minCount === 1 ? r.outcome[0] : r.outcome[1];
    const needs = `a window needs ${r.minCount} ${outcome} and ${r.minSent} messages`;
    // Why a region has no window of its own: too few messages anywhere, or messages enough but
    // too few of the outcome, named with the window that came nearest (most outcomes, then most
    // messages: the busiest window when there are none at all).
    const why = `CASE WHEN s.near_slot IS NULL
        THEN format('no window${outside} has ${r.minSent} messages sent {} (most: {})', ${days},
          coalesce(s.most_sent, 0))
        ELSE format('only {} in {} messages sent {} ({}–{}, {}); ${needs}',
                    ${countSql("s.near_count", r.outcome)}, s.near_sent, ${days},
                      ${clockSql("s.near_slot")},
                    ${clockSql(`s.near_slot + ${r.slots}`)},
                    CASE WHEN s.near_count = 0 THEN 'the busiest window${outside}'
                         ELSE 'the most ${r.outcome[1]} of any window${outside}' END)
      END`;
    const pick = (alias: string) => columns.map((c) => `${alias}.${c}`).join(", ");
    const body = `
      WITH cand AS (
        SELECT *, ${r.night ? "true" : "allowed"} AS eligible, ${r.count} AS hits, ${r.count} /
          nullif(sent, 0) AS rate
        FROM (${windows(r.slots, windowSlotsSql(r.slots, a.quietHours))})),
      chosen AS (
        SELECT region, day_type, start_slot AS chosen_slot FROM cand
        WHERE eligible AND sent >= ${r.minSent} AND hits >= ${r.minCount}
        QUALIFY row_number() OVER (PARTITION BY region, day_type ORDER BY ${r.order}, sent DESC,
          start_slot) = 1),
      near AS (
        SELECT region, day_type, start_slot AS near_slot, sent AS near_sent, hits AS near_count
          FROM cand
        WHERE eligible AND sent >= ${r.minSent}
        QUALIFY row_number() OVER (PARTITION BY region, day_type ORDER BY hits DESC, sent DESC,
          start_slot) = 1),
      summary AS (
        SELECT region, day_type, max(sent) FILTER (WHERE eligible) AS most_sent
        FROM cand GROUP BY ALL),
      s AS (
        SELECT * FROM summary LEFT JOIN chosen USING (region, day_type) LEFT JOIN near USING
          (region, day_type))`;
    const data = `
      SELECT ${pick("c")}, c.rate, 'data' AS source,
        format('{}: {} of {} messages', '${r.metric}', c.hits, c.sent) AS note
      FROM cand c JOIN s ON s.region = c.region AND s.day_type = c.day_type AND c.start_slot =
        s.chosen_slot`;
    let fallback: string;
    if (r.kind === "best half hour") {
      // Inside the region's best window: the half hour with the most replies (then messages, then
      // the earliest); with no best window of its own, the configured default.
      fallback = `
      SELECT ${pick("c")}, c.rate, 'default',
        CASE WHEN i.best_slot IS NULL THEN 'configured default: '
             ELSE format('the half hour with most replies in the best window ({}–{}): ',
               ${clockSql("i.best_slot")},
                         ${clockSql(`i.best_slot + ${best.slots}`)}) END || ${why}
      FROM cand c JOIN s ON s.region = c.region AND s.day_type = c.day_type
      LEFT JOIN (
        SELECT h.region, h.day_type, b.best_slot, h.start_slot AS inside_slot
        FROM cand h JOIN (${bestChosen}) b ON b.region = h.region AND b.day_type = h.day_type
        WHERE (h.start_slot - b.best_slot + ${SLOTS_PER_DAY}) % ${SLOTS_PER_DAY} < ${best.slots}
        QUALIFY row_number() OVER (PARTITION BY h.region, h.day_type
          ORDER BY h.replied DESC, h.sent DESC, (h.start_slot - b.best_slot + ${SLOTS_PER_DAY}) %
            ${SLOTS_PER_DAY}) = 1
      ) i ON i.region = c.region AND i.day_type = c.day_type
      WHERE s.chosen_slot IS NULL
        AND c.start_slot = coalesce(i.inside_slot,
          CASE WHEN c.day_type = 'weekend' THEN ${defaultStart("weekend")} ELSE
            ${defaultStart("weekday")} END)`;
    } else if (r.kind !== "worst") {
      fallback = `
      SELECT ${pick("c")}, c.rate, 'default', 'configured default: ' || ${why}
      FROM cand c JOIN s ON s.region = c.region AND s.day_type = c.day_type
      WHERE s.chosen_slot IS NULL
        AND c.start_slot = CASE WHEN c.day_type = 'weekend' THEN ${defaultStart("weekend")} ELSE
          ${defaultStart("weekday")} END`;
    } else if (quiet) {
      // No measured window to avoid: the night is, by the settings; said to be unmeasured.
      fallback = `
      SELECT ${pick("q")}, q.stopped / nullif(q.sent, 0), 'default',
        'configured default: the quiet hours, not measured: ' || ${why}
      FROM (${windows(quiet.slots, quiet.sql)}) q JOIN s ON s.region = q.region AND s.day_type =
        q.day_type
      WHERE s.chosen_slot IS NULL`;
    } else {
      // Empty quiet hours: no night to fall back on, so a region without evidence has no worst
      // window.
      fallback = "";
    }
    return `SELECT *, '${r.kind}' AS kind, '${r.metric}' AS metric FROM (${body}
      ${data}${fallback ? `\n      UNION ALL${fallback}` : ""})`;
  });

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_windows AS
     SELECT region, day_type, kind, start_slot, slots, sent, replied,
       replied / nullif(sent, 0) AS reply_rate,
       ${wilsonSql("replied", "sent", -1)} AS ci_low, ${wilsonSql("replied", "sent", 1)} AS ci_high,
       fast, purchased, stopped, metric, rate AS metric_rate, source, note
     FROM (${parts.join(" UNION ALL ")})`,
    label,
  );
  return queryRows<SendWindow>(
    connection,
    `SELECT region, day_type, kind, start_slot, slots, sent, replied, reply_rate, ci_low, ci_high,
       fast, purchased, stopped, metric, metric_rate, source, note
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
