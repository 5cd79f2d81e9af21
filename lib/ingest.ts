import {existsSync, readdirSync, statSync} from "node:fs";
import {basename, extname, join, resolve} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import type {Adapter, StageResult, StagedFile} from "./adapters/types.js";
import {DROP_TABLE_NAMES, DROP_TABLES, contractColumns, type DropTable} from "./drop-contract.js";
import {queryNumber, queryRows, run, sqlString} from "./duckdb.js";
import type {Settings} from "./settings/index.js";
import {ensureSchema} from "./warehouse.js";

/** Creates the empty raw_* staging tables that adapters fill (all VARCHAR, plus file and line). */
export async function createRawTables(connection: DuckDBConnection): Promise<void> {
  for (const table of DROP_TABLE_NAMES) {
    const columns = contractColumns(table).map((c) => `"${c}" VARCHAR`);
    await run(
      connection,
      `CREATE OR REPLACE TEMP TABLE raw_${table} (${columns.join(", ")}, _file VARCHAR, _line BIGINT)`,
      "createRawTables",
    );
  }
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE raw_rejects (
       _file VARCHAR, _line BIGINT, "column" VARCHAR, value VARCHAR, reason VARCHAR, row_json VARCHAR)`,
    "createRawTables",
  );
}

const READABLE = new Set([".csv", ".tsv", ".txt", ".parquet", ".jsonl", ".ndjson"]);

/** The drop table a file feeds, from its name: "orders.csv", "orders-week1.csv" → orders. */
export function tableForFile(file: string): DropTable | undefined {
  const stem = basename(file)
    .toLowerCase()
    .replace(/\.[^.]+$/, "");
  return [...DROP_TABLE_NAMES]
    .sort((a, b) => b.length - a.length)
    .find(
      (table) => stem === table || stem.startsWith(`${table}-`) || stem.startsWith(`${table}_`),
    );
}

/**
 * The native adapter: a folder of CSV, Parquet or JSON Lines files named after the drop tables.
 *
 * Every column is read as text and typed later by declared rules, never by DuckDB's sniffer,
 * so the same date text means the same date in every file (the sniffer can read one week's
 * "03/04/2024" as 3 April and the next week's as 4 March).
 */
export const dropAdapter: Adapter = {
  name: "drop",
  description: "a folder of customers, orders, order_items, messages and web_events files",
  async stage(connection, input) {
    if (!existsSync(input) || !statSync(input).isDirectory()) {
      throw new Error(`drop: ${input} is not a folder`);
    }
    const files: StagedFile[] = [];
    for (const name of readdirSync(input).sort()) {
      const path = join(input, name);
      const table = tableForFile(name);
      if (!table || !READABLE.has(extname(name).toLowerCase())) continue;
      files.push({file: name, table, rows: await stageFile(connection, path, name, table)});
    }
    if (files.length === 0) {
      throw new Error(
        `drop: ${input} has no table files; expected names such as orders.csv, customers.parquet or messages.jsonl`,
      );
    }
    return {files};
  },
};

let csvScans = 0;

/**
 * The DuckDB table function that reads one drop file. CSV and JSON Lines are read as text: for
 * JSON Lines the keys are found first (`jsonKeys`), then every one is declared VARCHAR, so a
 * value's JSON type never decides its column type (an amount written "3" in one line and 12.50
 * in the next, or a 23-digit id, arrive as written).
 */
function reader(path: string, errorsTable?: string, jsonKeys?: string[]): string {
  const ext = extname(path).toLowerCase();
  if (ext === ".parquet") return `read_parquet(${sqlString(path)})`;
  if (ext === ".jsonl" || ext === ".ndjson") {
    const declared = jsonKeys
      ? `, columns = {${jsonKeys.map((k) => `${sqlString(k)}: 'VARCHAR'`).join(", ")}}`
      : ", sample_size = -1";
    return `read_json(${sqlString(path)}, format = 'newline_delimited', records = true${declared})`;
  }
  // The dialect is declared (RFC 4180: comma or tab, double quotes) and every column stays text.
  // Malformed lines (too few or too many fields) are not fatal: DuckDB sets them aside in an
  // errors table, and they become rejects with their line number.
  const delim = ext === ".tsv" ? "\t" : ",";
  const errors = errorsTable
    ? `, store_rejects = true, rejects_table = '${errorsTable}', rejects_scan = '${errorsTable}_scan'`
    : ", ignore_errors = true";
  return `read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = '${delim}', quote = '"', escape = '"'${errors})`;
}

async function stageFile(
  connection: DuckDBConnection,
  path: string,
  file: string,
  table: DropTable,
): Promise<number> {
  const isCsv = [".csv", ".tsv", ".txt"].includes(extname(path).toLowerCase());
  const errorsTable = isCsv ? `csv_errors_${++csvScans}` : undefined;
  const described = await queryRows<{column_name: string}>(
    connection,
    `DESCRIBE SELECT * FROM ${reader(path)}`,
    `drop: ${file}`,
  );
  const isJson = [".jsonl", ".ndjson"].includes(extname(path).toLowerCase());
  const source = reader(
    path,
    errorsTable,
    isJson ? described.map((d) => d.column_name) : undefined,
  );
  // Header names are matched after trimming and lower-casing; a BOM never reaches them.
  const present = new Map(
    described.map((d) => [
      d.column_name
        .replace(/^\uFEFF/, "")
        .trim()
        .toLowerCase(),
      d.column_name,
    ]),
  );
  for (const column of DROP_TABLES[table].required) {
    if (!present.has(column)) {
      throw new Error(
        `drop: ${file} has no column "${column}", which the ${table} table requires; ` +
          `found: ${[...present.keys()].join(", ")}`,
      );
    }
  }
  const select = contractColumns(table)
    .filter((c) => present.has(c))
    .map((c) => `CAST("${present.get(c)!.replaceAll('"', '""')}" AS VARCHAR) AS "${c}"`);
  // Rows go straight into the raw table, numbered as read: a CSV's header is line 1, Parquet and
  // JSON Lines rows are numbered from 1. (A staged copy of every file first was one more full copy
  // of the drop, needed only to renumber the rare file with malformed lines, done below.)
  const name = sqlString(file);
  await run(
    connection,
    `INSERT INTO raw_${table} BY NAME
     SELECT ${select.join(", ")}, ${name} AS _file, row_number() OVER () + ${isCsv ? 1 : 0} AS _line FROM ${source}`,
    `drop: ${file}`,
  );
  const rows = await queryNumber(
    connection,
    `SELECT count(*) FROM raw_${table} WHERE _file = ${name}`,
    `drop: ${file}`,
  );
  if (!errorsTable) return rows;
  const malformed = await queryNumber(
    connection,
    `SELECT count(*) FROM ${errorsTable}`,
    `drop: ${file}`,
  );
  if (malformed === 0) return rows;
  await run(
    connection,
    `INSERT INTO raw_rejects
     SELECT ${name}, line, coalesce(column_name, ''), csv_line,
            'malformed CSV line: ' || lower(error_message), to_json({'csv_line': csv_line})
     FROM ${errorsTable}`,
    `drop: ${file}`,
  );
  // The lines DuckDB set aside are skipped when numbering the rows it read (a quoted field
  // spanning lines still counts as one line): the n-th row read is the n-th line not set aside.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE line_map AS
     SELECT l, row_number() OVER (ORDER BY l) AS n
     FROM range(2, 2 + ${rows} + ${malformed}) t(l)
     WHERE l NOT IN (SELECT line FROM ${errorsTable})`,
    `drop: ${file}`,
  );
  await run(
    connection,
    `UPDATE raw_${table} r SET _line = m.l FROM line_map m WHERE r._file = ${name} AND r._line - 1 = m.n`,
    `drop: ${file}`,
  );
  return malformed + rows;
}

/**
 * SQL for a trimmed, empty-as-NULL text cell. A leading apostrophe before =, +, -, @, tab or
 * carriage return is dropped: it is the mark tagbook's own CSV export (and spreadsheet users) put
 * before such cells so they are not run as formulas, so a downloaded list reads back as it was.
 *
 * trim() (which also strips Unicode spaces) and the regular expression cost more than every check
 * together on 30 M rows; a value that starts and ends with a printable ASCII character other than
 * a space has nothing to trim, so only the others pay for it. The result is the same either way.
 */
export function cleanTextSql(column: string): string {
  const raw = `"${column}"`;
  const unguard = (v: string) =>
    `CASE WHEN starts_with(${v}, '''') THEN regexp_replace(${v}, '^''([=+@\\t\\r-])', '\\1') ELSE ${v} END`;
  const printable = (c: string) => `ord(${c}) BETWEEN 33 AND 126`;
  return `CASE WHEN ${raw} IS NULL THEN NULL
    WHEN ${printable(`${raw}[1]`)} AND ${printable(`${raw}[-1]`)} THEN ${unguard(raw)}
    ELSE ${unguard(`nullif(trim(${raw}), '')`)} END`;
}

/**
 * A column's cleaned text (cleanTextSql) in the checks and typed columns below: loadStaged cleans
 * each column once, beneath them, since one cell is read by several checks and casts.
 */
function cleaned(column: string): string {
  return `"${column}"`;
}

const DATE_PARTS = {dmy: ["%d", "%m", "%Y"], mdy: ["%m", "%d", "%Y"], ymd: ["%Y", "%m", "%d"]};

/** strptime formats for dates written with /, . or - in the configured day/month order. */
function dateFormats(order: Settings["ingest"]["dateOrder"]): string[] {
  const [a, b, c] = DATE_PARTS[order];
  const formats: string[] = [];
  for (const sep of ["/", ".", "-"]) {
    const date = `${a}${sep}${b}${sep}${c}`;
    for (const time of [" %H:%M:%S", " %H:%M", "T%H:%M:%S", ", %H:%M", ""])
      formats.push(date + time);
  }
  return formats;
}

/**
 * SQL that reads a text timestamp as an instant. Offsets ("Z", "+02:00") are honoured; naive
 * timestamps are wall-clock time in the configured zone; 9–10 digit numbers are Unix seconds.
 * Anything else is NULL, and the caller rejects the row naming the value.
 */
export function timestampSql(column: string, settings: Settings): string {
  const v = cleaned(column);
  const formats = dateFormats(settings.ingest.dateOrder).map(sqlString).join(", ");
  const zone = sqlString(settings.ingest.timeZone);
  // The first arm is the shape nearly every export uses (ISO 8601 in UTC); LIKE is several times
  // cheaper than the regular expressions below, which made parsing most of a large ingest.
  return `CASE
    WHEN ${v} IS NULL THEN NULL
    WHEN ${v} LIKE '____-__-__T__:__:__Z' THEN try_cast(${v} AS TIMESTAMPTZ)
    WHEN regexp_full_match(${v}, '\\d{9,10}') THEN to_timestamp(CAST(${v} AS BIGINT))
    WHEN regexp_matches(${v}, '\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*(Z|[+-]\\d{2}(:?\\d{2})?)$')
      THEN try_cast(${v} AS TIMESTAMPTZ)
    WHEN regexp_matches(${v}, '^\\d{4}-\\d{2}-\\d{2}')
      THEN timezone(${zone}, try_cast(${v} AS TIMESTAMP))
    ELSE timezone(${zone}, try_strptime(${v}, [${formats}]))
  END`;
}

/** SQL that reads a money text with the configured decimal separator, exactly (DECIMAL). */
export function moneySql(column: string, settings: Settings): string {
  const v = `replace(replace(${cleaned(column)}, ' ', ''), '\u00a0', '')`;
  const normalised =
    settings.ingest.decimalSeparator === ","
      ? `CASE WHEN regexp_full_match(${v}, '-?\\d{1,3}(\\.\\d{3})*(,\\d+)?|-?\\d+(,\\d+)?')
           THEN replace(replace(${v}, '.', ''), ',', '.') END`
      : `CASE WHEN regexp_full_match(${v}, '-?\\d{1,3}(,\\d{3})*(\\.\\d+)?|-?\\d+(\\.\\d+)?|-?\\.\\d+')
           THEN replace(${v}, ',', '') END`;
  return `try_cast(${normalised} AS DECIMAL(18,4))`;
}

/** One validation step: when `failed` is true for a row, it is rejected naming column and reason. */
interface Check {
  column: string;
  failed: string;
  reason: string;
}

/** SQL CASE giving the first failed check as a struct, or NULL when the row is usable. */
function firstFailure(checks: Check[]): string {
  if (checks.length === 0) return "NULL";
  const arms = checks.map(
    (c) =>
      `WHEN ${c.failed} THEN {'column': ${sqlString(c.column)}, 'value': "_raw_${c.column}", 'reason': ${sqlString(c.reason)}}`,
  );
  return `CASE ${arms.join("\n      ")} END`;
}

function timestampReason(settings: Settings): string {
  const order = settings.ingest.dateOrder;
  return `not a timestamp: expected ISO-8601 (with an offset, or read in ${settings.ingest.timeZone}), Unix seconds, or a ${order} date`;
}

function moneyReason(settings: Settings): string {
  return `not an amount with decimal separator "${settings.ingest.decimalSeparator}"`;
}

/** The typed columns and checks of each table: the one place where drop rules live. */
function tableRules(
  table: DropTable,
  settings: Settings,
): {typed: string[]; checks: Check[]; key: string[]} {
  const ts = (c: string) => timestampSql(c, settings);
  const missing = (c: string): Check => ({
    column: c,
    failed: `${cleaned(c)} IS NULL`,
    reason: `missing ${c}`,
  });
  const badTs = (c: string, required: boolean): Check => ({
    column: c,
    failed: required ? `(${ts(c)}) IS NULL` : `${cleaned(c)} IS NOT NULL AND (${ts(c)}) IS NULL`,
    reason: timestampReason(settings),
  });
  switch (table) {
    case "customers":
      return {
        key: ["customer_id"],
        typed: [
          `${cleaned("customer_id")} AS customer_id`,
          `${cleaned("phone")} AS phone`,
          `nullif(regexp_replace(regexp_replace(${cleaned("phone")}, '[^0-9]', '', 'g'), '^00', ''), '') AS wa_id`,
          `${cleaned("name")} AS name`,
          `upper(${cleaned("country")}) AS country`,
          `${cleaned("time_zone")} AS time_zone`,
          `lower(${cleaned("language")}) AS language`,
          `lower(${cleaned("source")}) AS source`,
          `${ts("first_seen_at")} AS first_seen_at`,
          `${optInSql("marketing")} AS opted_in_marketing`,
          `${optInSql("utility")} AS opted_in_utility`,
          `${cleaned("region")} AS region`,
          `${cleaned("postcode")} AS postcode`,
        ],
        checks: [
          missing("customer_id"),
          badTs("first_seen_at", false),
          {
            column: "opted_in",
            failed: `${cleaned("opted_in")} IS NOT NULL AND NOT regexp_full_match(lower(${cleaned("opted_in")}), '${OPT_IN_PATTERN}')`,
            reason: "opted_in must be yes/no/true/false/1/0, or a list of marketing and utility",
          },
        ],
      };
    case "orders":
      return {
        key: ["order_id"],
        typed: [
          `${cleaned("order_id")} AS order_id`,
          `${cleaned("customer_id")} AS customer_id`,
          `${ts("ordered_at")} AS ordered_at`,
          `${moneySql("amount", settings)} AS amount`,
          `upper(${cleaned("currency")}) AS currency`,
          `${statusSql()} AS status`,
        ],
        checks: [
          missing("order_id"),
          missing("customer_id"),
          badTs("ordered_at", true),
          {
            column: "amount",
            failed: `(${moneySql("amount", settings)}) IS NULL`,
            reason: moneyReason(settings),
          },
          {
            column: "amount",
            failed: `(${moneySql("amount", settings)}) < 0`,
            reason: "negative amount: write refunds as a positive amount with status refunded",
          },
          {
            column: "currency",
            failed: `NOT regexp_full_match(coalesce(upper(${cleaned("currency")}), ''), '[A-Z]{3}')`,
            reason: "currency must be a three-letter ISO 4217 code",
          },
          {
            column: "status",
            failed: `(${statusSql()}) IS NULL`,
            reason: "status must be paid, cancelled or refunded (or a known synonym)",
          },
        ],
      };
    case "order_items":
      return {
        key: ["order_id", "sku"],
        typed: [
          `${cleaned("order_id")} AS order_id`,
          `${cleaned("sku")} AS sku`,
          `${cleaned("product")} AS product`,
          `lower(${cleaned("category")}) AS category`,
          `coalesce(try_cast(${cleaned("quantity")} AS DOUBLE), 1) AS quantity`,
          `${moneySql("unit_price", settings)} AS unit_price`,
        ],
        checks: [
          missing("order_id"),
          missing("sku"),
          {
            column: "quantity",
            failed: `${cleaned("quantity")} IS NOT NULL AND try_cast(${cleaned("quantity")} AS DOUBLE) IS NULL`,
            reason: "quantity is not a number",
          },
          {
            column: "unit_price",
            failed: `${cleaned("unit_price")} IS NOT NULL AND (${moneySql("unit_price", settings)}) IS NULL`,
            reason: moneyReason(settings),
          },
        ],
      };
    case "messages":
      return {
        key: ["message_id"],
        typed: [
          `${cleaned("message_id")} AS message_id`,
          `${cleaned("customer_id")} AS customer_id`,
          `${directionSql()} AS direction`,
          `${ts("sent_at")} AS sent_at`,
          `${ts("delivered_at")} AS delivered_at`,
          `${ts("read_at")} AS read_at`,
          `${ts("failed_at")} AS failed_at`,
          // Message text is kept as written: spaces and a leading apostrophe are part of it.
          `"_raw_text" AS text`,
          `${cleaned("campaign_id")} AS campaign_id`,
          `lower(${cleaned("category")}) AS category`,
          `${cleaned("error_code")} AS error_code`,
        ],
        checks: [
          missing("message_id"),
          missing("customer_id"),
          {
            column: "direction",
            failed: `(${directionSql()}) IS NULL`,
            reason: "direction must be in or out",
          },
          badTs("sent_at", true),
          badTs("delivered_at", false),
          badTs("read_at", false),
          badTs("failed_at", false),
        ],
      };
    case "web_events":
      return {
        key: ["customer_id", "at", "kind", "sku"],
        typed: [
          `${cleaned("customer_id")} AS customer_id`,
          `${ts("at")} AS "at"`,
          `lower(${cleaned("kind")}) AS kind`,
          `${cleaned("sku")} AS sku`,
          `${moneySql("price", settings)} AS price`,
          `try_cast(${cleaned("duration_s")} AS DOUBLE) AS duration_s`,
        ],
        checks: [
          missing("customer_id"),
          badTs("at", true),
          {
            column: "kind",
            failed: `coalesce(lower(${cleaned("kind")}), '') NOT IN ('page_view', 'quote_open', 'link_click', 'visit')`,
            reason: "kind must be page_view, quote_open, link_click or visit",
          },
          {
            column: "duration_s",
            failed: `${cleaned("duration_s")} IS NOT NULL AND try_cast(${cleaned("duration_s")} AS DOUBLE) IS NULL`,
            reason: "duration_s is not a number",
          },
        ],
      };
  }
}

const OPT_IN_PATTERN =
  "yes|no|y|n|true|false|1|0|none|((marketing|utility)([;,| ]+(marketing|utility))*)";

function optInSql(category: "marketing" | "utility"): string {
  const v = `lower(${cleaned("opted_in")})`;
  return `CASE
    WHEN ${v} IS NULL THEN NULL
    WHEN ${v} IN ('yes', 'y', 'true', '1') THEN true
    WHEN ${v} IN ('no', 'n', 'false', '0', 'none') THEN false
    WHEN regexp_full_match(${v}, '${OPT_IN_PATTERN}') THEN contains(${v}, '${category}')
  END`;
}

function statusSql(): string {
  const v = `coalesce(lower(${cleaned("status")}), 'paid')`;
  return `CASE
    WHEN ${v} IN ('paid', 'complete', 'completed', 'delivered', 'shipped', 'fulfilled', 'invoiced',
                  'approved', 'processing', 'sale') THEN 'paid'
    WHEN ${v} IN ('cancelled', 'canceled', 'cancel', 'unavailable', 'voided') THEN 'cancelled'
    WHEN ${v} IN ('refunded', 'refund', 'returned', 'return') THEN 'refunded'
  END`;
}

function directionSql(): string {
  const v = `lower(${cleaned("direction")})`;
  return `CASE
    WHEN ${v} IN ('in', 'inbound', 'incoming', 'received', 'customer') THEN 'in'
    WHEN ${v} IN ('out', 'outbound', 'outgoing', 'sent', 'business', 'shop') THEN 'out'
  END`;
}

/** Rows loaded and rejected for one table of one drop. */
export interface TableLoad {
  table: DropTable;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
}

/**
 * Types and validates the staged raw tables, moves unusable rows to `rejects` with their reason,
 * and loads the rest into the warehouse. The newest row for a key wins, so loading the same drop
 * twice changes nothing and a later drop can update an order's status.
 */
export async function loadStaged(
  connection: DuckDBConnection,
  dropId: string,
  settings: Settings,
): Promise<TableLoad[]> {
  const loads: TableLoad[] = [];
  await run(
    connection,
    `INSERT INTO rejects SELECT $drop, _file, _line, "column", value, reason, row_json FROM raw_rejects`,
    "load rejects",
    {drop: dropId},
  );
  for (const table of DROP_TABLE_NAMES) {
    const rules = tableRules(table, settings);
    const label = `load ${table}`;
    const rowsRead = await queryNumber(connection, `SELECT count(*) FROM raw_${table}`, label);
    if (rowsRead === 0) continue;

    // The raw row's JSON is made for rejected rows only (read back by rowid): writing it for
    // every row cost more than all the checks at 30 M messages.
    await run(
      connection,
      `CREATE OR REPLACE TEMP TABLE checked_${table} AS
       SELECT ${firstFailure(rules.checks)} AS _failure, r._rid, r._file, r._line,
              ${rules.typed.join(",\n              ")}
       FROM (SELECT rowid AS _rid, _file, _line,
               ${contractColumns(table)
                 .map((c) => `${cleanTextSql(c)} AS "${c}", "${c}" AS "_raw_${c}"`)
                 .join(",\n               ")}
             FROM raw_${table}) r`,
      label,
    );
    const rejectsOf = (reason: string, where: string) =>
      `INSERT INTO rejects
       SELECT $drop, c._file, c._line, ${reason}, to_json(r)
       FROM (SELECT * FROM checked_${table} WHERE ${where}) c JOIN raw_${table} r ON r.rowid = c._rid`;
    await run(
      connection,
      rejectsOf("c._failure.column, c._failure.value, c._failure.reason", "_failure IS NOT NULL"),
      label,
      {
        drop: dropId,
      },
    );

    // Within one drop the last row for a key wins; earlier ones are kept as rejects, not dropped.
    // Most drops have no duplicate at all: a grouping finds that out, and only then are the rows
    // ranked per key (a window over every row, twice, was a large share of loading).
    const key = rules.key.map((k) => `"${k}"`).join(", ");
    const keyName = rules.key.join(" + ");
    const itemsAreLines = table === "order_items";
    const columns = rules.typed.map((t) => t.slice(t.lastIndexOf(" AS ") + 4));
    const duplicates = itemsAreLines
      ? 0
      : await queryNumber(
          connection,
          `SELECT count(*) FROM (SELECT 1 FROM checked_${table} WHERE _failure IS NULL GROUP BY ${key} HAVING count(*) > 1)`,
          label,
        );
    const ranked = `QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY _file DESC, _line DESC)`;
    if (duplicates > 0) {
      await run(
        connection,
        rejectsOf(
          `${sqlString(rules.key[0]!)}, CAST(c."${rules.key[0]}" AS VARCHAR), 'duplicate ${keyName}: a later row in the drop replaces this one'`,
          `_failure IS NULL ${ranked} > 1`,
        ),
        label,
        {drop: dropId},
      );
    }
    let good = `(SELECT ${columns.join(", ")} FROM checked_${table} WHERE _failure IS NULL)`;
    if (itemsAreLines || duplicates > 0) {
      await run(
        connection,
        `CREATE OR REPLACE TEMP TABLE good_${table} AS ` +
          (itemsAreLines
            ? `SELECT ${columns.join(", ")}, row_number() OVER (PARTITION BY order_id ORDER BY _file, _line) AS line
               FROM checked_${table} WHERE _failure IS NULL`
            : `SELECT ${columns.join(", ")} FROM checked_${table} WHERE _failure IS NULL ${ranked} = 1`),
        label,
      );
      good = `good_${table}`;
    }

    // Order lines are replaced per order, since a line has no key of its own.
    const replaceKey = itemsAreLines ? ["order_id"] : rules.key;
    const match = replaceKey.map((k) => `t."${k}" IS NOT DISTINCT FROM g."${k}"`).join(" AND ");
    await run(
      connection,
      `DELETE FROM ${table} t WHERE EXISTS (SELECT 1 FROM ${good} g WHERE ${match})`,
      label,
    );
    const insertColumns = itemsAreLines ? [...columns, "line"] : columns;
    await run(
      connection,
      `INSERT INTO ${table} (${insertColumns.join(", ")}, drop_id)
       SELECT ${insertColumns.join(", ")}, $drop FROM ${good}`,
      label,
      {drop: dropId},
    );
    const rowsLoaded = await queryNumber(connection, `SELECT count(*) FROM ${good}`, label);
    loads.push({table, rowsRead, rowsLoaded, rowsRejected: rowsRead - rowsLoaded});
    // This table's staging copies are done with: freed now, not when the connection closes (on a
    // million customers they are gigabytes, spilled to disk beside the warehouse).
    for (const scratch of [`raw_${table}`, `checked_${table}`, `good_${table}`]) {
      await run(connection, `DROP TABLE IF EXISTS ${scratch}`, label);
    }
  }

  // Customers seen only in orders, messages or web events still get a customer row.
  await run(
    connection,
    `INSERT INTO customers (customer_id, drop_id)
     SELECT DISTINCT customer_id, $drop FROM (
       SELECT customer_id FROM orders UNION SELECT customer_id FROM messages
       UNION SELECT customer_id FROM web_events) s
     WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = s.customer_id)`,
    "implied customers",
    {drop: dropId},
  );
  return loads;
}

/** Per-file counts for the data-quality page, after loadStaged. */
async function recordFileStats(connection: DuckDBConnection, dropId: string, staged: StageResult) {
  await run(connection, "DELETE FROM file_stats WHERE drop_id = $drop", "file stats", {
    drop: dropId,
  });
  for (const {file, table, rows} of staged.files) {
    const rejected = await queryNumber(
      connection,
      "SELECT count(*) FROM rejects WHERE drop_id = $drop AND file = $file",
      "file stats",
      {drop: dropId, file},
    );
    await run(
      connection,
      "INSERT INTO file_stats VALUES ($drop, $file, $table, $rows, $loaded, $rejected)",
      "file stats",
      {drop: dropId, file, table, rows, loaded: Math.max(0, rows - rejected), rejected},
    );
  }
}

/** The outcome of one ingest, for the CLI's report. */
export interface IngestReport {
  dropId: string;
  asOf: string;
  files: StagedFile[];
  tables: TableLoad[];
  rejectsByReason: {file: string; column: string; reason: string; rows: number}[];
}

/**
 * The as-of date of a drop: the folder name when it is a date (data/drops/2026-11-30), else the
 * adapter's hint (the local date of the newest event), else the newest event in the warehouse.
 * Never the build machine's clock, so a rebuild of the same drop gives the same site.
 */
export function asOfFromPath(input: string): string | undefined {
  const name = basename(resolve(input));
  const match = /^(\d{4}-\d{2}-\d{2})$/.exec(name);
  return match?.[1];
}

/**
 * Reads a drop with an adapter and loads it into an open warehouse.
 *
 * @param asOf Overrides the as-of date (YYYY-MM-DD).
 * @throws Error naming the file and column when a required column is missing.
 */
export async function ingest(
  connection: DuckDBConnection,
  adapter: Adapter,
  input: string,
  settings: Settings,
  asOf?: string,
): Promise<IngestReport> {
  await ensureSchema(connection);
  await createRawTables(connection);
  const staged = await adapter.stage(connection, input, settings);

  const zone = sqlString(settings.ingest.timeZone);
  const dropId = `${adapter.name}:${resolve(input)}`;
  await run(connection, "DELETE FROM rejects WHERE drop_id = $drop", "ingest", {drop: dropId});
  const tables = await loadStaged(connection, dropId, settings);
  await recordFileStats(connection, dropId, staged);

  const resolvedAsOf =
    asOf ?? asOfFromPath(input) ?? staged.asOfHint ?? (await newestEventDate(connection, zone));
  if (!resolvedAsOf) {
    throw new Error(
      `ingest: ${input} holds no dated rows, so it has no as-of date; pass --as-of YYYY-MM-DD`,
    );
  }
  const rowsRead = staged.files.reduce((sum, f) => sum + f.rows, 0);
  const rowsRejected = await queryNumber(
    connection,
    "SELECT count(*) FROM rejects WHERE drop_id = $drop",
    "ingest",
    {drop: dropId},
  );
  await run(connection, "DELETE FROM drops WHERE drop_id = $drop", "ingest", {drop: dropId});
  await run(
    connection,
    `INSERT INTO drops SELECT $drop, CAST($asOf AS DATE), $source, $format, $read, $rejected,
       coalesce((SELECT max(seq) FROM drops), 0) + 1`,
    "ingest",
    {
      drop: dropId,
      asOf: resolvedAsOf,
      source: resolve(input),
      format: adapter.name,
      read: rowsRead,
      rejected: rowsRejected,
    },
  );
  const rejectsByReason = await queryRows<IngestReport["rejectsByReason"][number]>(
    connection,
    `SELECT file, "column" AS column, reason, count(*) AS rows FROM rejects WHERE drop_id = $drop
     GROUP BY ALL ORDER BY rows DESC, file, reason`,
    "ingest",
    {drop: dropId},
  );
  return {dropId, asOf: resolvedAsOf, files: staged.files, tables, rejectsByReason};
}

async function newestEventDate(
  connection: DuckDBConnection,
  zone: string,
): Promise<string | undefined> {
  const rows = await queryRows<{d: string | null}>(
    connection,
    `SELECT strftime(max(timezone(${zone}, t)), '%Y-%m-%d') AS d FROM (
       SELECT max(ordered_at) AS t FROM orders UNION ALL SELECT max(sent_at) FROM messages
       UNION ALL SELECT max("at") FROM web_events)`,
    "as-of date",
  );
  return rows[0]?.d ?? undefined;
}
