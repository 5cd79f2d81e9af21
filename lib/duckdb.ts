import {DuckDBInstance, DuckDBTypeId, type DuckDBConnection} from "@duckdb/node-api";

/** A value that survives JSON.stringify and browser arithmetic unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {[key: string]: JsonValue};
export type Row = Record<string, JsonValue>;

/** An open DuckDB database with one connection; close it with `closeDatabase`. */
export interface Database {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/**
 * A DuckDB database (a file, or ":memory:") with its session pinned to UTC.
 *
 * The session zone is pinned because DuckDB's hour(), isodow() and date casts on TIMESTAMPTZ use it,
 * and it otherwise defaults to the build machine's zone. Local times are always computed with an
 * explicit zone (see lib/local-time.ts), never from the session.
 *
 * @param path Database file, or ":memory:".
 * @param readOnly Open for reading only, so several loader processes can read one warehouse at once.
 */
export async function openDatabase(path: string, readOnly = false): Promise<Database> {
  // DuckDB takes up to 80% of the machine's memory by default, and a tagging run on 100k customers
  // reached 8.7 GiB; with a limit it spills to a temporary folder instead. TAGBOOK_MEMORY_LIMIT
  // ("4GB", "500MB"…) changes it.
  const options: Record<string, string> = {memory_limit: process.env.TAGBOOK_MEMORY_LIMIT ?? "2GB"};
  if (readOnly) options.access_mode = "READ_ONLY";
  const instance = await DuckDBInstance.create(path, options);
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return {instance, connection};
}

export function closeDatabase(db: Database): void {
  db.connection.closeSync();
  db.instance.closeSync();
}

/**
 * Runs a statement, naming the label and the SQL when it fails.
 *
 * @param params Values bound to `$name` placeholders; data values always go in this way.
 */
export async function run(
  connection: DuckDBConnection,
  sql: string,
  label: string,
  params?: Record<string, unknown>,
): Promise<void> {
  const started = PROFILE ? performance.now() : 0;
  try {
    await connection.run(sql, params as never);
  } catch (error) {
    throw queryError(label, sql, error);
  }
  if (PROFILE) profiled(label, sql, started);
}

function profiled(label: string, sql: string, started: number): void {
  const what = sql.replace(/\s+/g, " ").trim().slice(0, 70);
  process.stderr.write(
    `[profile] ${((performance.now() - started) / 1000).toFixed(2)} s  ${label}: ${what}\n`,
  );
}

/** TAGBOOK_PROFILE=1 prints every statement's wall time to stderr, to find where a build spends it. */
const PROFILE = process.env.TAGBOOK_PROFILE === "1";

/**
 * Rows of a query as plain JSON values: BIGINT and DECIMAL become numbers, TIMESTAMPTZ becomes an
 * ISO-8601 UTC string ("2024-03-13T10:00:00.000Z") and DATE a "YYYY-MM-DD" string, so loader output
 * can be divided, plotted and JSON-encoded without BigInt errors.
 */
export async function queryRows<T = Row>(
  connection: DuckDBConnection,
  sql: string,
  label: string,
  params?: Record<string, unknown>,
): Promise<T[]> {
  let reader;
  const started = PROFILE ? performance.now() : 0;
  try {
    reader = await connection.runAndReadAll(sql, params as never);
  } catch (error) {
    throw queryError(label, sql, error);
  }
  if (PROFILE) profiled(label, sql, started);
  const names = reader.columnNames();
  const dateColumns = new Set(
    reader
      .columnTypes()
      .map((type, i) => (type.typeId === DuckDBTypeId.DATE ? names[i] : undefined))
      .filter((name): name is string => name !== undefined),
  );
  return reader.getRowObjectsJS().map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) {
      out[key] =
        dateColumns.has(key) && value instanceof Date
          ? value.toISOString().slice(0, 10)
          : toJson(value);
    }
    return out as T;
  });
}

/** The first column of the first row, as a number (0 when there is no row). */
export async function queryNumber(
  connection: DuckDBConnection,
  sql: string,
  label: string,
  params?: Record<string, unknown>,
): Promise<number> {
  const rows = await queryRows(connection, sql, label, params);
  const first = rows[0];
  return first ? Number(Object.values(first)[0] ?? 0) : 0;
}

function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    const out: Row = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toJson(inner);
    return out;
  }
  return String(value);
}

function queryError(label: string, sql: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`${label}: query failed: ${reason}\n--- SQL ---\n${sql.trim()}`, {cause: error});
}

/** SQL text for a whole number of days back: "1 day ago", "12 days ago" (the reasons people read). */
export function daysAgoSql(days: string): string {
  return `CASE WHEN (${days}) = 1 THEN '1 day ago' ELSE CAST(${days} AS VARCHAR) || ' days ago' END`;
}

/** A SQL string literal, for file paths and identifiers that cannot be bound as parameters. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
