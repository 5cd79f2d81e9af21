import type {Command} from "commander";
import {writeQuery} from "../export.js";
import {EXCLUSION_REASONS, segmentRowsSql, segmentsAsOf} from "../segments/build.js";
import {segmentCatalogue} from "../segments/registry.js";
import {loadSettings} from "../settings/index.js";
import {checkOut, prepareWarehouse, withDataOptions, withWarehouse, type DataOptions} from "./common.js";

/**
 * `tagbook segments` lists the catalogue with sizes and who was left out and why;
 * `tagbook export SEGMENT --out FILE` writes one list with full contact columns (CSV or Parquet).
 */
export function registerSegments(program: Command): void {
  withDataOptions(program.command("segments"))
    .description("list the send-safe segments with their sizes and exclusions by reason")
    .option("--json", "print the catalogue as JSON")
    .action(async (options: DataOptions & {json?: boolean}) => {
      const {settings, warehouse, asOf, log} = await prepareWarehouse(options, "segments");
      const summary = await withWarehouse(warehouse, (db) => segmentsAsOf(db.connection, asOf, settings));
      if (options.json) {
        process.stdout.write(`${JSON.stringify({asOf, segments: summary}, null, 2)}\n`);
        return;
      }
      const lines = [`Segments as of ${asOf} (members → sendable; left out by first reason)`];
      for (const s of summary) {
        const out = EXCLUSION_REASONS.filter((r) => s.excluded[r.reason] > 0)
          .map((r) => `${r.reason} ${s.excluded[r.reason]}`)
          .join(", ");
        lines.push(
          `  ${s.name.padEnd(24)} ${s.category.padEnd(9)} ${String(s.members).padStart(6)} → ` +
            `${String(s.sendable).padStart(6)}  (${s.template} template, ${s.freeForm} free-form)` +
            (out ? `  left out: ${out}` : ""),
        );
      }
      process.stdout.write(`${lines.join("\n")}\n`);
      log(`${summary.length} segments`);
    });

  withDataOptions(program.command("export"))
    .description("write one segment list with full contact columns (CSV or Parquet by extension)")
    .argument("<segment>", "segment name, as listed by tagbook segments")
    .requiredOption("--out <file>", "output file: .csv or .parquet")
    .action(async (segment: string, options: DataOptions & {out: string}) => {
      checkOut(options.out, [".csv", ".parquet"]);
      // The name is checked against the catalogue (custom segments come from the settings) before
      // the ingest: the saved lists hold every segment, so an unknown name read from them is just
      // an empty list, which would be written as a header-only file and exit 0.
      const names = segmentCatalogue(loadSettings(options.settings)).map((d) => d.name);
      if (!names.includes(segment)) {
        throw new Error(`export: unknown segment ${JSON.stringify(segment)}; the catalogue has ${names.join(", ")}`);
      }
      const {settings, warehouse, asOf, log} = await prepareWarehouse(options, "export");
      const rows = await withWarehouse(warehouse, async (db) => {
        await segmentsAsOf(db.connection, asOf, settings, [segment]);
        return writeQuery(db.connection, segmentRowsSql(segment, true), options.out, `export ${segment}`);
      });
      log(`${rows} rows of ${segment} as of ${asOf} → ${options.out}`);
    });
}
