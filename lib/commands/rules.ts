import type {Command} from "commander";
import {writeQuery} from "../export.js";
import {prepareProducts} from "../products/lists.js";
import {prepareWarehouse, withDataOptions, withWarehouse, type DataOptions} from "./common.js";

interface RulesOptions extends DataOptions {
  level?: string;
  minSupport?: string;
  minConfidence?: string;
  sequential?: boolean;
  out?: string;
}

/** A share from the command line, or an error naming the option and the value. */
function share(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new Error(`rules: ${name} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  return x;
}

export function registerRules(program: Command): void {
  withDataOptions(program.command("rules"))
    .description("write association rules (antecedent, consequent, support, confidence, lift, counts)")
    .option("--level <level>", "product or category (default: settings.products.level)")
    .option("--min-support <x>", "minimum support, a share of baskets (default: settings)")
    .option("--min-confidence <y>", "minimum confidence (default: settings)")
    .option("--sequential", "write the sequential rules (A, then B within the window) instead")
    .option("--out <file>", "output file: .csv, .parquet or .json (default: CSV on stdout)")
    .action(async (options: RulesOptions) => {
      if (options.level !== undefined && options.level !== "product" && options.level !== "category") {
        throw new Error(`rules: --level must be product or category, got ${JSON.stringify(options.level)}`);
      }
      const minSupport = share("--min-support", options.minSupport);
      const minConfidence = share("--min-confidence", options.minConfidence);
      const {warehouse, asOf, settings, log} = await prepareWarehouse(options, "rules");
      await withWarehouse(warehouse, async (db) => {
        const prep = await prepareProducts(db.connection, asOf, settings, {
          level: options.level as "product" | "category" | undefined,
          ...(minSupport === undefined ? {} : {minSupport}),
          ...(minConfidence === undefined ? {} : {minConfidence}),
        });
        log(`${prep.baskets} baskets (${prep.level} level, ${settings.products.windowDays} days to ${asOf}) ` +
          `mined in ${prep.mineSeconds.toFixed(2)} s`);
        const sql = options.sequential
          ? `SELECT first, "then", within_days, support, confidence, lift, count, first_count, then_count, customers
             FROM product_sequences ORDER BY lift DESC, count DESC, first, "then"`
          : `SELECT antecedent, consequent, array_to_string(antecedent_items, '; ') AS antecedent_items,
               consequent_item, size, support, confidence, lift, count, antecedent_count, consequent_count, baskets
             FROM product_rules ORDER BY lift DESC, count DESC, antecedent, consequent`;
        const rows = await writeQuery(db.connection, sql, options.out, "rules");
        log(`${rows} ${options.sequential ? "sequential " : ""}rules as of ${asOf}${options.out ? ` → ${options.out}` : ""}`);
      });
    });
}
