import type {Command} from "commander";
import {adapterFor} from "../adapters/index.js";
import {closeDatabase, openDatabase} from "../duckdb.js";
import {ingest} from "../ingest.js";
import {loadSettings} from "../settings/index.js";
import {dropFormat, parseAsOf} from "./common.js";

export function registerCheck(program: Command): void {
  program
    .command("check <dir>")
    .description("validate a drop without building: rows read and rejected per file and reason")
    .option("--format <format>", "input format (see build --help; default: drop)")
    .option("--settings <file>", "settings file")
    .option("--as-of <date>", "as-of date YYYY-MM-DD (default: from the drop's folder name or newest event)", parseAsOf)
    .action(async (dir: string, options: {format?: string; settings?: string; asOf?: string}) => {
      const format = dropFormat(dir, options.format, dir, "tagbook check");
      const settings = loadSettings(options.settings);
      const db = await openDatabase(":memory:");
      try {
        const report = await ingest(db.connection, adapterFor(format), dir, settings, options.asOf);
        const lines = [`as of ${report.asOf}`, "", "file\ttable\trows read\trejected"];
        let unusable = 0;
        for (const file of report.files) {
          const rejected = report.rejectsByReason
            .filter((r) => r.file === file.file)
            .reduce((sum, r) => sum + r.rows, 0);
          // A drop folder's file is a whole table; an adapter's raw export may hold files that
          // are rightly skipped whole (a webhook payload of status notices), so there only an
          // export with nothing usable at all fails.
          if (format === "drop" && file.rows > 0 && rejected >= file.rows) unusable += 1;
          lines.push(`${file.file}\t${file.table}\t${file.rows}\t${rejected}`);
        }
        if (report.rejectsByReason.length > 0) {
          lines.push("", "rejected rows by file, column and reason:");
          for (const r of report.rejectsByReason) lines.push(`  ${r.file}\t${r.column}\t${r.rows}\t${r.reason}`);
        }
        process.stdout.write(`${lines.join("\n")}\n`);
        if (unusable > 0) {
          throw new Error(`check: ${unusable} file(s) had no usable row`);
        }
        if (report.tables.every((t) => t.rowsLoaded === 0)) {
          throw new Error(`check: ${dir} has no usable row in any file`);
        }
      } finally {
        closeDatabase(db);
      }
    });
}
