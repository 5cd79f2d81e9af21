import type {Command} from "commander";
import {queryNumber, queryRows} from "../duckdb.js";
import {writeQuery} from "../export.js";
import {prepareProducts} from "../products/lists.js";
import {checkOut, prepareWarehouse, withDataOptions, withWarehouse, type DataOptions} from "./common.js";

interface RulesOptions extends DataOptions {
  level?: string;
  minSupport?: string;
  minConfidence?: string;
  minBaskets?: string;
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

/** A whole count of at least 1 from the command line, or an error naming the option and the value. */
function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(x) || x < 1) {
    throw new Error(`rules: ${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  }
  return x;
}

/**
 * How the support threshold came out, in words: mining keeps an itemset when it is in at least
 * max(minCount, ⌈minSupport × N⌉, 1) of N units (baskets, or customers for sequential rules; see
 * mineRules and mineSequences), so on a small drop the minimum count silently dominates a low
 * --min-support. The line names both and the one that applies.
 */
function supportLine(
  units: number,
  unit: string,
  minSupport: {value: number; from: string},
  minCount: {value: number; from: string},
): string {
  const bySupport = Math.ceil(minSupport.value * units - 1e-9);
  const exact = Number((minSupport.value * units).toFixed(4));
  const need = Math.max(minCount.value, bySupport, 1);
  const rule = minCount.value >= bySupport
    ? `${minCount.from} = ${minCount.value} applies`
    : `the support applies (above ${minCount.from} = ${minCount.value})`;
  return `min support ${minSupport.value} (${minSupport.from}) of ${units} ${unit} is ${exact} ${unit}; ${rule}: ` +
    `an itemset needs ${need} ${unit}`;
}

export function registerRules(program: Command): void {
  withDataOptions(program.command("rules"))
    .description("write association rules (antecedent, consequent, support, confidence, lift, counts)")
    .option("--level <level>", "product or category (default: settings.products.level)")
    .option("--min-support <x>", "minimum support, a share of baskets (default: settings.products.minSupport)")
    .option("--min-baskets <n>", "minimum baskets an itemset must be in, whatever the support; customers with --sequential (default: settings.products.minCount)")
    .option("--min-confidence <y>", "minimum confidence (default: settings)")
    .option("--sequential", "write the sequential rules (A, then B within the window) instead")
    .option("--out <file>", "output file: .csv, .parquet or .json (default: CSV on stdout)")
    .action(async (options: RulesOptions) => {
      if (options.level !== undefined && options.level !== "product" && options.level !== "category") {
        throw new Error(`rules: --level must be product or category, got ${JSON.stringify(options.level)}`);
      }
      const minSupport = share("--min-support", options.minSupport);
      const minConfidence = share("--min-confidence", options.minConfidence);
      const minCount = count("--min-baskets", options.minBaskets);
      checkOut(options.out);
      const {warehouse, asOf, settings, log} = await prepareWarehouse(options, "rules");
      await withWarehouse(warehouse, async (db) => {
        const prep = await prepareProducts(db.connection, asOf, settings, {
          level: options.level as "product" | "category" | undefined,
          ...(minSupport === undefined ? {} : {minSupport}),
          ...(minConfidence === undefined ? {} : {minConfidence}),
          ...(minCount === undefined ? {} : {minCount}),
        });
        log(`${prep.baskets} baskets (${prep.level} level, ${settings.products.windowDays} days to ${asOf}) ` +
          `mined in ${prep.mineSeconds.toFixed(2)} s`);
        const support = {
          value: prep.options.minSupport,
          from: minSupport === undefined ? "products.minSupport" : "--min-support",
        };
        const least = {value: prep.options.minCount, from: minCount === undefined ? "products.minCount" : "--min-baskets"};
        if (options.sequential) {
          // Sequential rules count customers, over the lines prepareProducts left for them.
          const customers = await queryNumber(db.connection, "SELECT count(DISTINCT customer_id) FROM product_lines", "rules");
          log(supportLine(customers, "customers", support, least));
        } else {
          log(supportLine(prep.baskets, "baskets", support, least));
        }
        if (prep.level === "category") {
          // Category-level lines leave out order lines without a category, so data without the
          // column gives no basket and no rule; name the cause instead of an empty file.
          const [lines] = await queryRows<{lines: number; categorised: number}>(
            db.connection,
            `SELECT count(*) AS lines, count(*) FILTER (WHERE nullif(trim(category), '') IS NOT NULL) AS categorised
             FROM order_items`,
            "rules",
          );
          if (lines && lines.lines > 0 && lines.categorised === 0) {
            log(`no order line has a category (0 of ${lines.lines}); category-level rules need the order_items.category column`);
          } else if (lines && lines.lines === 0) {
            log("the warehouse has no order lines (order_items), so there are no baskets to mine");
          }
        } else if (prep.baskets === 0) {
          log("no paid order with an order line in the window: rules need order_items rows (order_id, sku)");
        }
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
