import type {DuckDBConnection} from "@duckdb/node-api";
import {run} from "./duckdb.js";

/** Where the warehouse lives unless --warehouse or TAGBOOK_WAREHOUSE says otherwise. */
export const DEFAULT_WAREHOUSE = "data/warehouse.duckdb";

export function warehousePath(explicit?: string): string {
  return explicit ?? process.env.TAGBOOK_WAREHOUSE ?? DEFAULT_WAREHOUSE;
}

/**
 * The warehouse tables. Money is DECIMAL (exact to the cent and beyond), instants are TIMESTAMPTZ
 * (UTC), and every data row remembers the drop that last wrote it.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS drops (
  drop_id VARCHAR PRIMARY KEY, as_of DATE NOT NULL, source VARCHAR, format VARCHAR,
  rows_read BIGINT, rows_rejected BIGINT, seq INTEGER
);
CREATE TABLE IF NOT EXISTS file_stats (
  drop_id VARCHAR, file VARCHAR, table_name VARCHAR, rows_read BIGINT, rows_loaded BIGINT,
  rows_rejected BIGINT
);
CREATE TABLE IF NOT EXISTS rejects (
  drop_id VARCHAR, file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR, reason VARCHAR,
  row_json VARCHAR
);
CREATE TABLE IF NOT EXISTS customers (
  customer_id VARCHAR NOT NULL, phone VARCHAR, wa_id VARCHAR, name VARCHAR, country VARCHAR,
  time_zone VARCHAR, language VARCHAR, source VARCHAR, first_seen_at TIMESTAMPTZ,
  opted_in_marketing BOOLEAN, opted_in_utility BOOLEAN, region VARCHAR, postcode VARCHAR,
  drop_id VARCHAR
);
CREATE TABLE IF NOT EXISTS orders (
  order_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, ordered_at TIMESTAMPTZ NOT NULL,
  amount DECIMAL(18,4) NOT NULL, currency VARCHAR NOT NULL, status VARCHAR NOT NULL,
  drop_id VARCHAR
);
CREATE TABLE IF NOT EXISTS order_items (
  order_id VARCHAR NOT NULL, line INTEGER, sku VARCHAR NOT NULL, product VARCHAR, category VARCHAR,
  quantity DOUBLE, unit_price DECIMAL(18,4), drop_id VARCHAR
);
CREATE TABLE IF NOT EXISTS messages (
  message_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, direction VARCHAR NOT NULL,
  sent_at TIMESTAMPTZ NOT NULL, delivered_at TIMESTAMPTZ, read_at TIMESTAMPTZ,
  failed_at TIMESTAMPTZ, text VARCHAR, campaign_id VARCHAR, category VARCHAR, error_code VARCHAR,
  drop_id VARCHAR
);
CREATE TABLE IF NOT EXISTS web_events (
  customer_id VARCHAR NOT NULL, "at" TIMESTAMPTZ NOT NULL, kind VARCHAR NOT NULL, sku VARCHAR,
  price DECIMAL(18,4), duration_s DOUBLE, drop_id VARCHAR
);
CREATE TABLE IF NOT EXISTS customer_basics (
  as_of DATE, customer_id VARCHAR, wa_id VARCHAR, country VARCHAR, country_reason VARCHAR,
  time_zone VARCHAR, zone_reason VARCHAR, language VARCHAR, language_reason VARCHAR,
  shipping_restricted BOOLEAN
);
-- Which settings the tags of each as-of date were computed with (a hash), so a rebuild after a
-- settings change re-tags instead of showing tags made under the old rules.
CREATE TABLE IF NOT EXISTS tag_runs (as_of DATE PRIMARY KEY, settings_hash VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS tag_snapshots (
  as_of DATE NOT NULL, customer_id VARCHAR NOT NULL, family VARCHAR NOT NULL, tag VARCHAR NOT NULL,
  reason VARCHAR NOT NULL, since DATE
);
CREATE TABLE IF NOT EXISTS tag_changes (
  as_of DATE NOT NULL, previous_as_of DATE, family VARCHAR, tag VARCHAR, customer_id VARCHAR,
  change VARCHAR
);
`;

/** Creates any missing warehouse table; safe to run on every open. */
export async function ensureSchema(connection: DuckDBConnection): Promise<void> {
  await run(connection, SCHEMA, "warehouse schema");
}

/** The newest drop's id and as-of date, or undefined for an empty warehouse. */
export async function latestDrop(
  connection: DuckDBConnection,
): Promise<{dropId: string; asOf: string; previousAsOf: string | null} | undefined> {
  const reader = await connection.runAndReadAll(
    `SELECT drop_id, strftime(as_of, '%Y-%m-%d') AS as_of,
       (SELECT strftime(max(p.as_of), '%Y-%m-%d') FROM drops p WHERE p.as_of < d.as_of) AS previous
     FROM drops d ORDER BY as_of DESC, seq DESC LIMIT 1`,
  );
  const row = reader.getRowObjectsJS()[0];
  if (!row) return undefined;
  return {
    dropId: String(row.drop_id),
    asOf: String(row.as_of),
    previousAsOf: row.previous === null ? null : String(row.previous),
  };
}
