import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";

/** One stretch of local calendar dates that belongs to a named period. */
export interface PeriodRange {
  period: string;
  from: string;
  to: string;
  countries: string[];
}

const UMM_AL_QURA = new Intl.DateTimeFormat("en-u-ca-islamic-umalqura", {
  year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC",
});

/**
 * Ramadan (month 9 of the Umm al-Qura calendar) of each Gregorian year in [fromYear, toYear], as
 * first and last Gregorian dates.
 *
 * Computed with Intl's "islamic-umalqura" calendar, the official Saudi calendar, rather than an
 * arithmetic Hijri calendar, which can be a day off. Dates are civil dates, to be compared with
 * each customer's local date.
 *
 * @example ramadanRanges(2024, 2024) // → [{hijriYear: 1445, from: "2024-03-11", to: "2024-04-09"}]
 */
export function ramadanRanges(fromYear: number, toYear: number): {hijriYear: number; from: string; to: string}[] {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || toYear < fromYear) {
    throw new Error(`ramadan: invalid year range ${fromYear}..${toYear}`);
  }
  const out: {hijriYear: number; from: string; to: string}[] = [];
  for (let t = Date.UTC(fromYear, 0, 1); t < Date.UTC(toYear + 1, 0, 1); t += 86_400_000) {
    const parts = Object.fromEntries(UMM_AL_QURA.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    if (parts.month !== "9") continue;
    const day = new Date(t).toISOString().slice(0, 10);
    const year = Number.parseInt(String(parts.year), 10);
    const last = out[out.length - 1];
    if (last && last.hijriYear === year) last.to = day;
    else out.push({hijriYear: year, from: day, to: day});
  }
  return out;
}

/** Every configured period's date ranges that touch the years fromYear..toYear. */
export function periodRanges(settings: Settings, fromYear: number, toYear: number): PeriodRange[] {
  const out: PeriodRange[] = [];
  for (const p of settings.activity.periods) {
    if (p.type === "ramadan") {
      for (const r of ramadanRanges(fromYear, toYear)) out.push({period: p.name, from: r.from, to: r.to, countries: p.countries});
    } else if (p.type === "dates") {
      for (const [from, to] of p.ranges) {
        if (to < from) throw new Error(`period "${p.name}": range ${from}..${to} ends before it starts`);
        out.push({period: p.name, from, to, countries: p.countries});
      }
    } else {
      for (let year = fromYear; year <= toYear; year++) {
        const day = new Date(`${year}-${p.monthDay}T00:00:00Z`);
        if (Number.isNaN(day.getTime())) throw new Error(`period "${p.name}": invalid monthDay ${p.monthDay}`);
        const from = new Date(day.getTime() - p.days * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(day.getTime() - 86_400_000).toISOString().slice(0, 10);
        out.push({period: p.name, from, to, countries: p.countries});
      }
    }
  }
  return out;
}

/** A period's activity against the rest of the look-back, per region, with the hour shift. */
export interface PeriodShift {
  period: string;
  region: string;
  /** Events (reads and replies) inside the period and outside it: the evidence behind the shift. */
  events_in: number;
  events_out: number;
  mean_hour_in: number | null;
  mean_hour_out: number | null;
  /** Signed hours (−12, 12] from the rest of the year to the period: +2.5 is 2.5 h later. */
  shift_hours: number | null;
  /** False when either side has fewer than `minPeriodEvents` events: the shift is mostly noise. */
  significant: boolean;
  /** The shift with its event counts, or why it is not significant. */
  note: string;
}

/**
 * Compares each period with the rest of all history from `act_events_all`: a weekday × hour heatmap
 * inside the period, and per region the shift of the mean local activity time.
 *
 * The mean time is circular (the mean of angles on a 24-hour clock), so activity moving from 23:00
 * to 01:00 is a shift of +2 hours, not −22. Regions restricted by the period's countries. A shift
 * is significant only on `minPeriodEvents` events both inside the period and outside it; every
 * shift carries its counts, so a reader can weigh it.
 */
export async function periodReport(
  connection: DuckDBConnection,
  settings: Settings,
): Promise<{ranges: PeriodRange[]; shifts: PeriodShift[]; cells: Record<string, unknown>[]}> {
  const label = "activity periods";
  const [span] = await queryRows<{lo: number | null; hi: number | null}>(
    connection,
    "SELECT year(min(local_date)) AS lo, year(max(local_date)) AS hi FROM act_events_all",
    label,
  );
  if (!span || span.lo === null || span.hi === null) return {ranges: [], shifts: [], cells: []};
  const ranges = periodRanges(settings, span.lo, span.hi);
  const values = ranges.map(
    (r) => `(${sqlString(r.period)}, DATE '${r.from}', DATE '${r.to}', [${r.countries.map(sqlString).join(", ")}]::VARCHAR[])`,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_periods AS
     SELECT * FROM (VALUES ${values.join(", ") || "(NULL, NULL, NULL, NULL)"}) AS p(period, from_date, to_date, countries)
     WHERE period IS NOT NULL`,
    label,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE act_period_events AS
     WITH names AS (SELECT DISTINCT period, countries FROM act_periods)
     SELECT n.period, e.*, hour(e.local_ts) + minute(e.local_ts) / 60 + 1 / 120 AS clock,
       EXISTS (SELECT 1 FROM act_periods p WHERE p.period = n.period
               AND e.local_date BETWEEN p.from_date AND p.to_date) AS inside
     FROM act_events_all e JOIN names n ON len(n.countries) = 0 OR list_contains(n.countries, e.country)`,
    label,
  );
  const min = settings.activity.minPeriodEvents;
  const shifts = await queryRows<PeriodShift>(
    connection,
    `WITH m AS (
       SELECT period, coalesce(country, 'all') AS region,
         count(*) FILTER (WHERE inside) AS events_in, count(*) FILTER (WHERE NOT inside) AS events_out,
         atan2(avg(sin(2 * pi() * clock / 24)) FILTER (WHERE inside), avg(cos(2 * pi() * clock / 24)) FILTER (WHERE inside)) AS a_in,
         atan2(avg(sin(2 * pi() * clock / 24)) FILTER (WHERE NOT inside), avg(cos(2 * pi() * clock / 24)) FILTER (WHERE NOT inside)) AS a_out
       FROM act_period_events GROUP BY GROUPING SETS ((period, country), (period))),
     s AS (
       SELECT period, region, events_in, events_out,
         CASE WHEN events_in > 0 THEN ((a_in * 24 / (2 * pi())) + 24) % 24 END AS mean_hour_in,
         CASE WHEN events_out > 0 THEN ((a_out * 24 / (2 * pi())) + 24) % 24 END AS mean_hour_out,
         CASE WHEN events_in > 0 AND events_out > 0
           THEN 12 - (((12 - (a_in - a_out) * 24 / (2 * pi())) % 24) + 24) % 24 END AS shift_hours,
         events_in >= ${min} AND events_out >= ${min} AS significant
       FROM m)
     SELECT *,
       CASE WHEN significant
              THEN format('{} h on {} events in the period and {} outside', printf('%+.1f', shift_hours), events_in, events_out)
            ELSE format('not significant: {} events in the period and {} outside; {} needed on each side',
                        events_in, events_out, ${min})
       END AS note
     FROM s ORDER BY period, region = 'all' DESC, events_in DESC`,
    label,
  );
  const cells = await queryRows(
    connection,
    `SELECT period, weekday, hour, count(*) FILTER (WHERE inside) AS events_in,
       count(*) FILTER (WHERE NOT inside) AS events_out
     FROM act_period_events GROUP BY ALL ORDER BY ALL`,
    label,
  );
  return {ranges, shifts, cells};
}
