import {createReadStream, createWriteStream} from "node:fs";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {extname, join} from "node:path";
import {Writable} from "node:stream";
import {pipeline} from "node:stream/promises";
import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, sqlString} from "./duckdb.js";

/** The UTF-8 byte-order mark: Excel reads a CSV as UTF-8 only when the file starts with it. */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type ExportFormat = "csv" | "parquet" | "json";

/** The export format a file name asks for, by extension. @throws Error naming the file. */
export function exportFormat(out: string): ExportFormat {
  const ext = extname(out).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".parquet") return "parquet";
  if (ext === ".json") return "json";
  throw new Error(
    `--out ${out}: unknown extension ${JSON.stringify(ext)}; use .csv, .parquet or .json`,
  );
}

/**
 * The SQL select list that makes a query's rows spreadsheet-safe for CSV: every text cell that
 * starts with =, +, -, @, tab or carriage return gets a leading apostrophe, so Excel or Sheets
 * shows it as text instead of running it as a formula (CSV injection). Columns of other types
 * pass unchanged, so numeric columns stay numbers.
 */
export function neutralisedColumns(columns: {column_name: string; column_type: string}[]): string[] {
  return columns.map(({column_name: name, column_type: type}) => {
    const id = `"${name.replaceAll('"', '""')}"`;
    if (type !== "VARCHAR") return id;
    return `CASE WHEN left(${id}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${id} ELSE ${id} END AS ${id}`;
  });
}

/**
 * Writes a query's rows to a stream in one format. DuckDB writes the file (RFC 4180 quoting:
 * fields holding a comma, quote, CR or LF are quoted and quotes doubled; NULL is an empty field,
 * an empty text `""`), and the bytes are then streamed to the sink in chunks. For CSV the UTF-8
 * BOM is written exactly once, before the first chunk, so a long export never repeats it.
 *
 * @param end Whether to end the sink afterwards (false for process.stdout).
 * @param bom Whether CSV starts with the BOM: for files opened in a spreadsheet, not for a pipe
 *   (`tagbook tags | head` should read plain UTF-8). Defaults to `end`.
 * @returns The number of rows written.
 */
export async function writeQueryTo(
  connection: DuckDBConnection,
  sql: string,
  format: ExportFormat,
  sink: NodeJS.WritableStream,
  label: string,
  end = true,
  bom = end,
): Promise<number> {
  const columns = await queryRows<{column_name: string; column_type: string}>(
    connection,
    `DESCRIBE ${sql}`,
    label,
  );
  const select =
    format === "csv" ? neutralisedColumns(columns) : columns.map((c) => `"${c.column_name.replaceAll('"', '""')}"`);
  const scratch = await mkdtemp(join(tmpdir(), "tagbook-export-"));
  try {
    const file = join(scratch, `out.${format}`);
    const options =
      format === "parquet"
        ? "FORMAT parquet, COMPRESSION zstd"
        : format === "json"
          ? "FORMAT json, ARRAY true"
          : "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"'";
    const copy = `COPY (SELECT ${select.join(", ")} FROM (${sql})) TO ${sqlString(file)} (${options})`;
    let rows: number;
    try {
      rows = Number((await connection.run(copy)).rowsChanged);
    } catch (error) {
      throw new Error(`${label}: export failed: ${(error as Error).message}\n--- SQL ---\n${copy}`, {cause: error});
    }
    if (format === "csv" && bom) await write(sink, UTF8_BOM);
    await pipeline(createReadStream(file), sink as Writable, {end});
    return rows;
  } finally {
    await rm(scratch, {recursive: true, force: true});
  }
}

function write(sink: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sink.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/**
 * Writes a query's rows to a file (CSV, Parquet or JSON by extension), or CSV to stdout when
 * `out` is undefined (loaders: stdout is the data).
 *
 * CSV is written for spreadsheets: one UTF-8 BOM at byte 0 (Arabic and Korean names survive
 * Excel, TC-17), and text cells that could run as formulas are neutralised (see
 * neutralisedColumns). Numeric columns are left as numbers.
 *
 * @returns The number of rows written.
 */
export async function writeQuery(
  connection: DuckDBConnection,
  sql: string,
  out: string | undefined,
  label: string,
): Promise<number> {
  const format = out ? exportFormat(out) : "csv";
  const sink = out ? createWriteStream(out) : process.stdout;
  return writeQueryTo(connection, sql, format, sink, label, Boolean(out));
}
