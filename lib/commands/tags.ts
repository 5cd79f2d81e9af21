import type {Command} from "commander";
import {writeQuery} from "../export.js";
import {tagRowsSql} from "../tags/index.js";
import {checkOut, prepareWarehouse, withDataOptions, withWarehouse, type DataOptions} from "./common.js";

export function registerTags(program: Command): void {
  withDataOptions(program.command("tags"))
    .description("write one row per customer and tag (customer_id, family, tag, reason, since)")
    .option("--out <file>", "output file: .csv, .parquet or .json (default: CSV on stdout)")
    .action(async (options: DataOptions & {out?: string}) => {
      checkOut(options.out);
      const {warehouse, asOf, log} = await prepareWarehouse(options, "tags");
      const rows = await withWarehouse(warehouse, (db) =>
        writeQuery(db.connection, tagRowsSql(asOf), options.out, "tags"),
      );
      log(`${rows} tag rows as of ${asOf}${options.out ? ` → ${options.out}` : ""}`);
    });
}
