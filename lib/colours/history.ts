import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {buildColourFeatures} from "./features.js";
import {colourAssignmentsSql} from "./rules.js";

/**
 * colour_history: each customer's colour at each as-of date of the history, the rule that fired,
 * the value it measured and, at every drop's as-of date and the newest, the reason in words. It is rebuilt whole on every drop, because the
 * colours of past dates are recomputed from the event tables (with the current settings), so the
 * history always matches the rules the report judges.
 */
export const COLOUR_HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS colour_history (
  as_of DATE NOT NULL, customer_id VARCHAR NOT NULL, colour VARCHAR NOT NULL, tag VARCHAR NOT NULL,
  rule VARCHAR NOT NULL, held_back BOOLEAN NOT NULL, held_rule VARCHAR, value DOUBLE, reason VARCHAR
)`;

/** Recomputes colour_features and colour_history for the history ending at `asOf`. */
export async function writeColourHistory(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `colour history as of ${asOf}`;
  await buildColourFeatures(connection, asOf, settings);
  await run(connection, COLOUR_HISTORY_SCHEMA, label);
  await run(connection, "DELETE FROM colour_history", label);
  // Reasons in words are kept for the dates that are read with them (every drop's as-of date and
  // the newest): formatting one for each of the tens of millions of past assessments was one of
  // the largest steps of tagging a million customers. Past dates keep rule and value.
  await run(
    connection,
    `INSERT INTO colour_history
     SELECT as_of, customer_id, colour, tag, rule, held_back, held_rule, value,
       CASE WHEN as_of = CAST($asOf AS DATE) OR as_of IN (SELECT as_of FROM drops) THEN reason END
     FROM (${colourAssignmentsSql(settings)})`,
    label,
    {asOf},
  );
}

/**
 * The "colour" tag family (a TagProducer): rebuilds the colour history and tags every customer
 * with today's colour ("red", "orange", "yellow", "dark green", "light green", "grey"), the
 * reason naming the rule that fired and its values.
 */
export async function produceColourTags(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  // The history always runs to the newest drop, so tagging an older drop afterwards (a late
  // export, or re-tagging every drop after a settings change) never cuts it short; its grid
  // holds every drop's as-of date, this one included.
  const newest = await queryRows<{d: string | null}>(
    connection,
    "SELECT strftime(max(as_of), '%Y-%m-%d') AS d FROM drops",
    `colour tags as of ${asOf}`,
  );
  const end = newest[0]?.d && newest[0].d > asOf ? newest[0].d : asOf;
  await writeColourHistory(connection, end, settings);
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'colour', tag, rule || ': ' || reason
     FROM colour_history WHERE as_of = CAST($asOf AS DATE)`,
    `colour tags as of ${asOf}`,
    {asOf},
  );
}
