import {createReadStream, createWriteStream} from "node:fs";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {extname, join} from "node:path";
import {pipeline} from "node:stream/promises";
import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run, sqlString} from "./duckdb.js";

/** The UTF-8 byte-order mark: Excel reads a CSV as UTF-8 only when the file starts with it. */
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export type ExportFormat = "csv" | "parquet" | "json";

/** The export format a file name asks for, by extension. @throws Error naming the file. */
export function exportFormat(out: string): ExportFormat {
  const ext = extname(out).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".parquet") return "parquet";
  if (ext === ".json") return "json";
  throw new Error(`--out ${out}: unknown extension ${JSON.stringify(ext)}; use .csv, .parquet or .json`);
}

/**
 * Writes a query's rows to a file (CSV, Parquet or JSON by extension), or CSV to stdout when
 * `out` is undefined.
 *
 * CSV is written for spreadsheets: one UTF-8 BOM at byte 0, and every text cell that starts
 * with =, +, -, @, tab or carriage return is prefixed with an apostrophe so Excel does not run
 * it as a formula. Numeric columns are left as numbers.
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
  const columns = await queryRows<{column_name: string; column_type: string}>(
    connection,
    `DESCRIBE ${sql}`,
    label,
  );
  const select = columns.map(({column_name: name, column_type: type}) => {
    const id = `"${name.replaceAll('"', '""')}"`;
    if (format !== "csv" || type !== "VARCHAR") return id;
    return `CASE WHEN regexp_matches(${id}, '^[=+\\-@\\t\\r]') THEN '''' || ${id} ELSE ${id} END AS ${id}`;
  });
  const scratch = await mkdtemp(join(tmpdir(), "tagbook-export-"));
  try {
    const file = join(scratch, `out.${format}`);
    const options =
      format === "parquet" ? "FORMAT parquet, COMPRESSION zstd" : format === "json" ? "FORMAT json, ARRAY true" : "FORMAT csv, HEADER true";
    await run(
      connection,
      `COPY (SELECT ${select.join(", ")} FROM (${sql})) TO ${sqlString(file)} (${options})`,
      label,
    );
    const target = out ? createWriteStream(out) : process.stdout;
    if (format === "csv") target.write(UTF8_BOM);
    await pipeline(createReadStream(file), target, {end: Boolean(out)});
    const count = await queryRows<{n: number}>(connection, `SELECT count(*) AS n FROM (${sql})`, label);
    return count[0]?.n ?? 0;
  } finally {
    await rm(scratch, {recursive: true, force: true});
  }
}
