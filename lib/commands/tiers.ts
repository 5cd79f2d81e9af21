import {writeFileSync} from "node:fs";
import type {Command} from "commander";
import {queryRows} from "../duckdb.js";
import {exportFormat, writeQuery} from "../export.js";
import {ensureTierSchema, TIER_METHODS} from "../tiers/compute.js";
import {checkOut, prepareWarehouse, withDataOptions, withWarehouse, type DataOptions} from "./common.js";

interface TierOptions extends DataOptions {
  method?: string;
  out?: string;
}

/**
 * `tagbook tiers`: the breakpoints and every tiered customer's rolling spend and tier. A .json
 * file holds both (breakpoints, goodness of fit per k, customers); CSV and Parquet hold one row
 * per customer with the bounds of their tier, so the breakpoints travel with the rows.
 */
export function registerTiers(program: Command): void {
  withDataOptions(program.command("tiers"))
    .description("write the spend breakpoints and each customer's 12-month net spend and tier")
    .option("--method <method>", "breakpoints to use: rule, ckmeans or fixed (default: settings.tiers.method)")
    .option("--out <file>", "output file: .json, .csv or .parquet (default: CSV on stdout)")
    .action(async (options: TierOptions) => {
      // The command line is checked before the ingest, so a typo costs nothing.
      if (options.method !== undefined && !(TIER_METHODS as readonly string[]).includes(options.method)) {
        throw new Error(`--method ${JSON.stringify(options.method)}: use one of ${TIER_METHODS.join(", ")}`);
      }
      checkOut(options.out);
      const {settings, warehouse, asOf, log} = await prepareWarehouse(options, "tiers");
      const method = options.method ?? settings.tiers.method;
      await withWarehouse(warehouse, async ({connection}) => {
        await ensureTierSchema(connection, true);
        const params = {asOf, method};
        const [run] = await queryRows<{problem: string | null; currency: string; window_start: string}>(
          connection,
          "SELECT problem, currency, strftime(window_start, '%Y-%m-%d') AS window_start FROM tier_runs WHERE as_of = CAST($asOf AS DATE)",
          "tiers",
          {asOf},
        );
        if (!run) throw new Error(`tiers: the warehouse has no tiers as of ${asOf}; rebuild it with tagbook build`);
        if (run.problem) throw new Error(`tiers: no tiers as of ${asOf}: ${run.problem}`);
        const breakpoints = await queryRows(
          connection,
          `SELECT tier_index, tier, CAST(lower_bound AS DOUBLE) AS lower_bound,
             CAST(upper_bound AS DOUBLE) AS upper_bound, customers, why
           FROM tier_breakpoints WHERE as_of = CAST($asOf AS DATE) AND method = $method ORDER BY tier_index`,
          "tiers",
          params,
        );
        if (breakpoints.length === 0) {
          const hint = method === "fixed" ? ": set tiers.fixedBounds in the settings" : "";
          throw new Error(`tiers: no ${method} breakpoints as of ${asOf}${hint}`);
        }
        const customers = `SELECT customer_id, CAST(spend_12m AS DOUBLE) AS spend_12m, currency, tier, tier_index,
             CAST(lower_bound AS DOUBLE) AS lower_bound, CAST(next_bound AS DOUBLE) AS next_bound, next_tier,
             orders_12m, strftime(last_purchase, '%Y-%m-%d') AS last_purchase, downgrade, '${method}' AS method
           FROM tier_assignments WHERE as_of = DATE '${asOf}' AND method = '${method}'
           ORDER BY spend_12m DESC, customer_id`;
        for (const b of breakpoints) {
          log(`${method} ${b.tier}: from ${b.lower_bound} ${run.currency}, ${b.customers} customers (${b.why})`);
        }
        let rows: number;
        if (options.out && exportFormat(options.out) === "json") {
          const fits = method === "ckmeans"
            ? await queryRows(connection, "SELECT k, sse, gvf, chosen FROM tier_fit WHERE as_of = CAST($asOf AS DATE) ORDER BY k", "tiers", {asOf})
            : [];
          const list = await queryRows(connection, customers, "tiers");
          writeFileSync(options.out, JSON.stringify(
            {asOf, method, currency: run.currency, windowStart: run.window_start, breakpoints, fits, customers: list},
            null,
            1,
          ));
          rows = list.length;
        } else {
          rows = await writeQuery(connection, customers, options.out, "tiers");
        }
        log(`${rows} customers tiered by ${method} as of ${asOf}${options.out ? ` → ${options.out}` : ""}`);
      });
    });
}
