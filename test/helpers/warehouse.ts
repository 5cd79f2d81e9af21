import {closeDatabase, openDatabase, queryRows, type Database, type Row} from "../../lib/duckdb.js";
import {dropAdapter, ingest} from "../../lib/ingest.js";
import {parseSettings, type Settings} from "../../lib/settings/index.js";
import {computeTags} from "../../lib/tags/index.js";

/** An in-memory warehouse holding one drop folder, tagged as of a date. */
export async function warehouseFor(
  dropDir: string,
  asOf: string,
  settings: Settings = parseSettings({}),
): Promise<Database> {
  const db = await openDatabase(":memory:");
  await ingest(db.connection, dropAdapter, dropDir, settings, asOf);
  await computeTags(db.connection, asOf, settings);
  return db;
}

/** Tags of one family as {customer_id: tag}, for exact comparisons. */
export async function tagsOf(db: Database, family: string): Promise<Record<string, string>> {
  const rows = await queryRows<Row>(
    db.connection,
    "SELECT customer_id, string_agg(tag, ' + ' ORDER BY tag) AS tag FROM tag_snapshots WHERE family = $family GROUP BY 1",
    "tagsOf",
    {family},
  );
  return Object.fromEntries(rows.map((r) => [String(r.customer_id), String(r.tag)]));
}

/** Reasons of one family (and optionally one tag) as {customer_id: reason}. */
export async function reasonsOf(db: Database, family: string, tag?: string): Promise<Record<string, string>> {
  const rows = await queryRows<{customer_id: string; reason: string}>(
    db.connection,
    `SELECT customer_id, reason FROM tag_snapshots
     WHERE family = $family AND ($tag = '' OR tag = $tag) ORDER BY customer_id, tag`,
    "reasonsOf",
    {family, tag: tag ?? ""},
  );
  return Object.fromEntries(rows.map((r) => [r.customer_id, r.reason]));
}

export {closeDatabase};
