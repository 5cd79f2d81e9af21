import type {DuckDBConnection} from "@duckdb/node-api";
import type {Settings} from "../settings/index.js";

/** What an adapter reports about the raw files it staged. */
export interface StagedFile {
  /** The file as the user named it (shown on the data-quality page and in errors). */
  file: string;
  /** The drop table its rows went to. */
  table: string;
  /** Data rows read from the file (not counting a header). */
  rows: number;
}

export interface StageResult {
  files: StagedFile[];
  /**
   * The as-of date the export implies (YYYY-MM-DD), when the folder name does not give one:
   * usually the local date of the newest event in it.
   */
  asOfHint?: string;
}

/**
 * Turns one kind of raw export into the drop tables.
 *
 * `stage` fills the temporary tables raw_customers, raw_orders, raw_order_items, raw_messages and
 * raw_web_events (every contract column as VARCHAR, plus _file VARCHAR and _line BIGINT; see
 * lib/drop-contract.ts and createRawTables in lib/ingest.ts), and may add rows it cannot use to
 * raw_rejects(_file, _line, "column", value, reason, row_json). Typing, validation and loading
 * happen afterwards, the same for every adapter.
 */
export interface Adapter {
  name: string;
  description: string;
  stage(connection: DuckDBConnection, input: string, settings: Settings): Promise<StageResult>;
}
