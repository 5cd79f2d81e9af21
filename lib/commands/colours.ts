import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {Command} from "commander";
import {
  accuracyBeforeAfter,
  judgeHistory,
  recommendThresholds,
  ruleAccuracy,
} from "../colours/accuracy.js";
import {latestColourAsOf} from "../colours/lists.js";
import {colourAssignmentsSql} from "../colours/rules.js";
import {queryRows, sqlString} from "../duckdb.js";
import {writeQuery} from "../export.js";
import {
  checkOut,
  prepareWarehouse,
  withDataOptions,
  withWarehouse,
  type DataOptions,
} from "./common.js";

/**
 * `tagbook colours`: each customer's follow-up colour today with the rule that fired and its
 * values, or with --accuracy the accuracy per rule and the recommended threshold changes.
 * Colours are computed from the stored history features with the settings given now, so a
 * changed threshold shows without re-ingesting.
 */
export function registerColours(program: Command): void {
  withDataOptions(program.command("colours"))
    .description("write each customer's follow-up colour, the rule that fired and its values")
    .option("--out <file>", "output file: .csv, .parquet or .json (default: CSV on stdout)")
    .option(
      "--accuracy",
      "write the accuracy per rule and the recommended threshold changes instead",
    )
    .action(async (options: DataOptions & {out?: string; accuracy?: boolean}) => {
      checkOut(options.out);
      const {warehouse, settings, log} = await prepareWarehouse(options, "colours");
      await withWarehouse(warehouse, async (db) => {
        // The colour history is rebuilt whole for the newest drop: it holds the colours at every
        // step back from it and at each earlier drop's date within colours.historyDays, so an
        // earlier drop's colours are read from it. The accuracy judges that whole history.
        const newest = await latestColourAsOf(db.connection);
        const asOf = options.asOf ?? newest;
        if (options.accuracy && asOf !== newest) {
          throw new Error(
            `colours: --accuracy judges the whole colour history up to the newest drop (${newest}), so it cannot be ` +
              `computed as of ${asOf}; leave out --as-of, or leave out --accuracy for the colours as of ${asOf}`,
          );
        }
        const [held] = await queryRows<{n: number; first: string | null}>(
          db.connection,
          `SELECT count(*) FILTER (WHERE as_of = CAST($asOf AS DATE)) AS n, strftime(min(as_of), '%Y-%m-%d') AS first
           FROM colour_history`,
          "colours",
          {asOf},
        );
        if (!options.accuracy && !held?.n) {
          throw new Error(
            `colours: --as-of ${asOf}: the colour history holds no colours of that date; it runs from ` +
              `${held?.first ?? "–"} to ${newest} (colours.historyDays = ${settings.colours.historyDays} back from the newest drop)`,
          );
        }
        if (!options.accuracy) {
          const rows = await writeQuery(
            db.connection,
            `SELECT strftime(as_of, '%Y-%m-%d') AS as_of, customer_id, tag AS colour, rule, value, reason, held_back
             FROM (${colourAssignmentsSql(settings)}) WHERE as_of = DATE '${asOf}'
             ORDER BY list_position(['red', 'orange', 'yellow', 'dark green', 'light green', 'grey'], tag), customer_id`,
            options.out,
            "colours",
          );
          log(`${rows} customers' colours as of ${asOf}${options.out ? ` → ${options.out}` : ""}`);
          return;
        }
        const judged = await judgeHistory(db.connection, settings);
        const report = await ruleAccuracy(db.connection, settings, judged);
        const recommendations = await recommendThresholds(db.connection, settings, judged);
        const rows = recommendations.map((r) => {
          const acc = report.rules.find((a) => a.rule === r.rule);
          return {
            rule: r.rule,
            condition: r.condition,
            colour: acc?.colour ?? null,
            assignments: acc?.assignments ?? 0,
            deal_rate: acc?.deal_rate ?? null,
            precision: acc?.precision ?? null,
            recall: acc?.recall ?? null,
            false_red: acc?.false_red ?? false,
            current_threshold: r.current ?? null,
            recommended_threshold: r.recommended,
            current_accuracy: r.current_accuracy,
            expected_accuracy: r.expected_accuracy,
            recolour_today: r.recolour_today,
            why: r.why,
          };
        });
        const scratch = await mkdtemp(join(tmpdir(), "tagbook-colours-"));
        try {
          const file = join(scratch, "accuracy.json");
          await writeFile(file, JSON.stringify(rows));
          await writeQuery(
            db.connection,
            `SELECT * FROM read_json_auto(${sqlString(file)})`,
            options.out,
            "colour accuracy",
          );
        } finally {
          await rm(scratch, {recursive: true, force: true});
        }
        const {before, after, period} = await accuracyBeforeAfter(
          db.connection,
          settings,
          recommendations,
          judged,
        );
        const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
        log(
          `overall accuracy ${pct(report.accuracy)} on ${report.assignments} judged assignments ` +
            `(${report.judgedFrom ?? "–"}…${report.judgedTo ?? "–"}), aim ${pct(report.aim)}`,
        );
        log(
          `validation period ${period ?? "–"}: ${pct(before)} now, ${pct(after)} with the recommended changes`,
        );
      });
    });
}
