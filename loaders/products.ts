import {queryNumber, queryRows} from "../lib/duckdb.js";
import {productListCounts, prepareProducts} from "../lib/products/lists.js";
import {createLines, mineRules, miningOptions, ruleRows} from "../lib/products/mine.js";
import type {LoaderContext} from "./serve.js";

/** Rules shown on the page; the full set is what `tagbook rules` writes. */
const PAGE_RULES = 300;

/**
 * The products page: rules at the configured level and at category level, sequences, cycles,
 * seasons and the size of each list. Aggregates only: the per-customer lists are downloads.
 */
export async function products({connection, asOf, previousAsOf, settings, log}: LoaderContext) {
  const prep = await prepareProducts(connection, asOf, settings);
  log(`${prep.baskets} baskets mined in ${prep.mineSeconds.toFixed(2)} s`);
  const ruleCount = await queryNumber(connection, "SELECT count(*) FROM product_rules", "products");
  const rules = await ruleRows(connection, PAGE_RULES);
  const itemsets = await queryRows(
    connection,
    "SELECT size, count(*) AS itemsets FROM product_itemsets GROUP BY size ORDER BY size",
    "products",
  );
  const sequences = await queryRows(
    connection,
    `SELECT first, "then", within_days, support, confidence, lift, count, first_count, then_count, customers
     FROM product_sequences ORDER BY lift DESC, count DESC, first, "then" LIMIT 100`,
    "products",
  );
  const cycles = await queryRows(
    connection,
    "SELECT * FROM product_cycles ORDER BY customers DESC, gaps DESC, item LIMIT 200",
    "products",
  );
  const seasons = await queryRows(
    connection,
    `SELECT s.*, (SELECT count(DISTINCT h.customer_id) FROM product_history h
                  WHERE h.item = s.item AND h.local_date >= s.last_start AND h.local_date < s.last_end) AS last_season_buyers
     FROM product_seasons s ORDER BY start_month, share DESC LIMIT 200`,
    "products",
  );
  const lists = await productListCounts(connection, asOf, settings);
  const browse = await queryRows(
    connection,
    `SELECT count(*) AS page_views, count(DISTINCT customer_id) AS viewers
     FROM web_events WHERE kind = 'page_view' AND sku IS NOT NULL`,
    "products",
  );

  // Category-level rules last: mining again replaces the product-level temp tables.
  await createLines(connection, asOf, settings, "category", settings.products.windowDays);
  const categoryBaskets = await mineRules(connection, miningOptions(settings));
  const categoryRules = await ruleRows(connection, 100);

  return {
    asOf, previousAsOf, level: prep.level, baskets: prep.baskets, mineSeconds: prep.mineSeconds,
    historyStart: prep.historyStart, windowDays: settings.products.windowDays, options: prep.options,
    crossSell: settings.products.crossSell, replenishment: settings.products.replenishment,
    seasonSettings: settings.products.seasons, browseSettings: settings.products.browse,
    ruleCount, rules, itemsets, sequences, cycles, seasons, lists, browse: browse[0],
    categoryBaskets, categoryRules,
  };
}
