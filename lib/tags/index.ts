import type {DuckDBConnection} from "@duckdb/node-api";
import {run} from "../duckdb.js";
import {maskedNumbersInTextSql} from "../privacy.js";
import type {Settings} from "../settings/index.js";
import {computeBasics} from "./basics.js";
import {computeFacts, dropLocalEvents, tagFamilies} from "./families.js";
import {computeSpendTiers} from "../tiers/compute.js";
import {produceColourTags} from "../colours/history.js";
import {slotTags} from "../activity/slots.js";

/**
 * A producer of extra tag families (spend tiers, send-slot tags, follow-up colours). It runs after
 * customer_facts and the basic tags exist, and inserts rows into the temp table
 * new_tags(customer_id, family, tag, reason).
 */
export type TagProducer = (
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
) => Promise<void>;

/** Families computed by the analyses, in order; spend tiers come first since triggers use them. */
export const TAG_PRODUCERS: TagProducer[] = [computeSpendTiers, produceColourTags, slotTags];

/**
 * Recomputes every tag as of a date and stores it as that date's snapshot in tag_snapshots,
 * with the customers who entered or left each tag since the previous snapshot in tag_changes.
 *
 * A tag's `since` is the as-of date of the first consecutive snapshot that holds it, so a tag
 * kept from the previous drop keeps its date. Recomputing the same drop replaces its snapshot
 * with identical rows. A tag given by two rules (an interest from a category bought and from a
 * keyword asked about) keeps both reasons, in a fixed order.
 */
export async function computeTags(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `tags as of ${asOf}`;
  await computeBasics(connection, asOf, settings);
  await computeFacts(connection, asOf, settings);
  await run(
    connection,
    "CREATE OR REPLACE TEMP TABLE new_tags (customer_id VARCHAR, family VARCHAR, tag VARCHAR, reason VARCHAR)",
    label,
  );
  for (const produce of TAG_PRODUCERS) await produce(connection, asOf, settings);
  await tagFamilies(connection, asOf, settings);
  // The run's events in local time are read by the producers only: freed before the snapshot.
  await dropLocalEvents(connection, label);

  const params = {asOf};
  await run(
    connection,
    "DELETE FROM tag_snapshots WHERE as_of = CAST($asOf AS DATE)",
    label,
    params,
  );
  await run(connection, "DELETE FROM tag_changes WHERE as_of = CAST($asOf AS DATE)", label, params);
  await run(
    connection,
    `INSERT INTO tag_snapshots
     WITH previous AS (
       SELECT * FROM tag_snapshots
       WHERE as_of = (SELECT max(as_of) FROM tag_snapshots WHERE as_of < CAST($asOf AS DATE))),
     -- Only interests come from two rules (bought, asked); their reasons are joined in a fixed
     -- order. An ordered aggregate over every tag row ran out of memory on 1M customers.
     merged AS (
       SELECT customer_id, family, tag, string_agg(reason, '; ' ORDER BY reason) AS reason
       FROM (SELECT DISTINCT customer_id, family, tag, reason FROM new_tags WHERE family = 'interest')
       GROUP BY ALL
       UNION ALL
       SELECT customer_id, family, tag, min(reason) FROM new_tags WHERE family <> 'interest' GROUP BY ALL)
     SELECT CAST($asOf AS DATE), n.customer_id, n.family, n.tag, n.reason, coalesce(p.since, CAST($asOf AS DATE))
     FROM merged n LEFT JOIN previous p USING (customer_id, family, tag)`,
    label,
    params,
  );
  await run(
    connection,
    `INSERT INTO tag_changes
     WITH prev_date AS (SELECT max(as_of) AS d FROM tag_snapshots WHERE as_of < CAST($asOf AS DATE)),
     previous AS (SELECT customer_id, family, tag FROM tag_snapshots WHERE as_of = (SELECT d FROM prev_date)),
     current AS (SELECT customer_id, family, tag FROM tag_snapshots WHERE as_of = CAST($asOf AS DATE))
     SELECT CAST($asOf AS DATE), (SELECT d FROM prev_date), family, tag, customer_id, 'entered'
     FROM (SELECT * FROM current EXCEPT SELECT * FROM previous)
     WHERE (SELECT d FROM prev_date) IS NOT NULL
     UNION ALL
     SELECT CAST($asOf AS DATE), (SELECT d FROM prev_date), family, tag, customer_id, 'left'
     FROM (SELECT * FROM previous EXCEPT SELECT * FROM current)`,
    label,
    params,
  );
}

/**
 * One row per customer and tag as of a date (customer_id, family, tag, reason, since): what
 * `tagbook tags` writes and the customers page offers as a download.
 *
 * @param maskNumbers Mask the "+" numbers inside reasons (a built site that keeps contacts out).
 */
export function tagRowsSql(asOf: string, maskNumbers = false): string {
  return `SELECT customer_id, family, tag, ${maskNumbers ? maskedNumbersInTextSql("reason") : "reason"} AS reason,
       strftime(since, '%Y-%m-%d') AS since
     FROM tag_snapshots WHERE as_of = DATE '${asOf}' ORDER BY customer_id, family, tag`;
}
