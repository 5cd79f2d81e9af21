import type {DuckDBConnection} from "@duckdb/node-api";
import {queryNumber, queryRows} from "../duckdb.js";
import type {Settings} from "../settings/index.js";

/** One customer on a colour list, with the rule that fired and what it measured. */
export interface ColourListRow {
  customer_id: string;
  name: string | null;
  phone: string | null;
  tag: string;
  rule: string;
  reason: string;
  value: number | null;
  /** First as-of date of the current unbroken run of this colour. */
  since: string;
  held_back: boolean;
  held_rule: string | null;
}

/** Whether the warehouse holds a colour history (warehouses built before colours have none). */
export async function hasColourHistory(connection: DuckDBConnection): Promise<boolean> {
  const n = await queryNumber(
    connection,
    "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'colour_history' AND NOT temporary",
    "colour history",
  );
  return n > 0;
}

/**
 * SQL for the customers of one colour tag as of a date ("red", "orange", "dark green"…), or for
 * the reds held back by fatigue when `tag` is "held back". Columns as in ColourListRow; the
 * query is meant to be wrapped (segments filter it, exports write it).
 */
export function colourListSql(asOf: string, tag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`colour list: as-of ${JSON.stringify(asOf)} is not YYYY-MM-DD`);
  const where = tag === "held back" ? "h.held_back" : `h.tag = '${tag.replaceAll("'", "''")}'`;
  return `
    WITH runs AS (
      SELECT customer_id, as_of, tag,
        row_number() OVER (PARTITION BY customer_id ORDER BY as_of)
          - row_number() OVER (PARTITION BY customer_id, tag ORDER BY as_of) AS run_id
      FROM colour_history WHERE as_of <= DATE '${asOf}'),
    since AS (
      SELECT customer_id, min(as_of) AS since FROM runs r
      WHERE (run_id, tag) = (SELECT (run_id, tag) FROM runs x WHERE x.customer_id = r.customer_id AND x.as_of = DATE '${asOf}')
      GROUP BY customer_id)
    SELECT h.customer_id, c.name, c.phone, h.tag, h.rule, h.reason, h.value,
      strftime(s.since, '%Y-%m-%d') AS since, h.held_back, h.held_rule
    FROM colour_history h
    LEFT JOIN (SELECT customer_id, any_value(name) AS name, any_value(phone) AS phone FROM customers GROUP BY ALL) c
      USING (customer_id)
    LEFT JOIN since s USING (customer_id)
    WHERE h.as_of = DATE '${asOf}' AND ${where}
    ORDER BY h.rule, h.value DESC NULLS LAST, h.customer_id`;
}

/**
 * Today's red list: whom sales must call first, with the rule that fired. Segments reuse it.
 *
 * @param asOf The as-of date; the newest one in the colour history when omitted.
 * @throws Error when the warehouse has no colour history (build it with `tagbook build`).
 */
export async function todaysRedList(connection: DuckDBConnection, asOf?: string): Promise<ColourListRow[]> {
  const date = asOf ?? (await latestColourAsOf(connection));
  return queryRows<ColourListRow>(connection, colourListSql(date, "red"), "red list");
}

/** The newest as-of date of the colour history. @throws Error when there is none. */
export async function latestColourAsOf(connection: DuckDBConnection): Promise<string> {
  if (!(await hasColourHistory(connection))) {
    throw new Error("colours: the warehouse has no colour_history table; run tagbook build again");
  }
  const rows = await queryRows<{d: string | null}>(connection, "SELECT max(as_of) AS d FROM colour_history", "colours");
  const d = rows[0]?.d;
  if (!d) throw new Error("colours: the colour history is empty (no customer has any event)");
  return d;
}

/** Customers per colour tag at one as-of date, in board order. */
export async function colourCounts(connection: DuckDBConnection, asOf: string) {
  return queryRows<{tag: string; customers: number; share: number; held_back: number}>(
    connection,
    `SELECT tag, count(*) AS customers, count(*) / sum(count(*)) OVER () AS share,
       count(*) FILTER (WHERE held_back) AS held_back
     FROM colour_history WHERE as_of = CAST($asOf AS DATE) GROUP BY tag
     ORDER BY list_position(['red', 'orange', 'yellow', 'dark green', 'light green', 'grey'], tag)`,
    "colour counts",
    {asOf},
  );
}

/** Customers per (colour, rule) at one as-of date: what produced each colour, each grey included. */
export async function ruleCounts(connection: DuckDBConnection, asOf: string) {
  return queryRows<{tag: string; rule: string; customers: number}>(
    connection,
    `SELECT tag, rule, count(*) AS customers FROM colour_history WHERE as_of = CAST($asOf AS DATE)
     GROUP BY tag, rule
     ORDER BY list_position(['red', 'orange', 'yellow', 'dark green', 'light green', 'grey'], tag), customers DESC`,
    "colour rule counts",
    {asOf},
  );
}

/**
 * Customers moving from each colour to each colour between two as-of dates. "new" is a
 * customer without any event by the earlier date.
 */
export async function colourTransitions(connection: DuckDBConnection, fromAsOf: string, toAsOf: string) {
  return queryRows<{from: string; to: string; customers: number}>(
    connection,
    `SELECT coalesce(a.tag, 'new') AS "from", b.tag AS "to", count(*) AS customers
     FROM (SELECT * FROM colour_history WHERE as_of = CAST($to AS DATE)) b
     LEFT JOIN (SELECT * FROM colour_history WHERE as_of = CAST($from AS DATE)) a USING (customer_id)
     GROUP BY ALL ORDER BY customers DESC`,
    "colour transitions",
    {from: fromAsOf, to: toAsOf},
  );
}

/** An alert of the team dashboard: what crossed which limit, and what to do. */
export interface ColourAlert {
  kind: "red share" | "grey rise";
  message: string;
  action: string;
}

/**
 * The playbook's two alerts: red share above colours.alerts.redShare (add sales capacity) and a
 * grey share up by colours.alerts.greyRise or more (relative) since the previous as-of date.
 */
export async function colourAlerts(
  connection: DuckDBConnection,
  asOf: string,
  previousAsOf: string | null,
  settings: Settings,
): Promise<ColourAlert[]> {
  const a = settings.colours.alerts;
  const share = async (date: string, tag: string) =>
    queryNumber(
      connection,
      "SELECT coalesce(avg(CASE WHEN tag = $tag THEN 1 ELSE 0 END), 0) FROM colour_history WHERE as_of = CAST($d AS DATE)",
      "colour alerts",
      {d: date, tag},
    );
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const alerts: ColourAlert[] = [];
  const red = await share(asOf, "red");
  if (red > a.redShare) {
    alerts.push({
      kind: "red share",
      message: `${pct(red)} of customers are red, above the ${pct(a.redShare)} limit.`,
      action: "Add sales capacity: every red must be answered within 2 hours.",
    });
  }
  if (previousAsOf) {
    const before = await share(previousAsOf, "grey");
    const now = await share(asOf, "grey");
    if (before > 0 && now / before - 1 >= a.greyRise) {
      alerts.push({
        kind: "grey rise",
        message: `Grey share rose from ${pct(before)} to ${pct(now)} since ${previousAsOf} (+${pct(now / before - 1)}, limit +${pct(a.greyRise)}).`,
        action: "Early warning: check which grey rule grew and re-engage the recently greyed before they are lost.",
      });
    }
  }
  return alerts;
}
