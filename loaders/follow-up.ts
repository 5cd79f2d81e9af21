import {
  accuracyBeforeAfter,
  judgeHistory,
  recommendThresholds,
  ruleAccuracy,
} from "../lib/colours/accuracy.js";
import {
  colourAlerts,
  colourCounts,
  colourListSql,
  colourTransitions,
  hasColourHistory,
  ruleCounts,
} from "../lib/colours/lists.js";
import {queryRows} from "../lib/duckdb.js";
import {maskedCustomerIdSql, maskedNameSql} from "../lib/privacy.js";
import type {LoaderContext} from "./serve.js";

/** How many reds the page lists; the full list is the red-list download. */
const RED_LIST_ON_PAGE = 50;

/**
 * The follow-up page's data: today's board, the first reds (the download has them all), the
 * held-back reds, transitions since the previous drop, accuracy per rule, the recommended
 * threshold changes with their grids, and the alerts. Aggregates only, apart from the short red
 * list, whose names are masked here and whose numbers stay in the download.
 */
export async function followUp({connection, asOf, previousAsOf, settings, log}: LoaderContext) {
  if (!(await hasColourHistory(connection))) {
    log("no colour_history table: the warehouse was built before colours existed");
    return {asOf, previousAsOf, missing: true};
  }
  const counts = await colourCounts(connection, asOf);
  const rules = await ruleCounts(connection, asOf);
  // Names and ids masked, numbers left out: the page is hosted, the downloads carry the contacts.
  const onPage = (tag: string) =>
    `SELECT * EXCLUDE (phone) REPLACE (${maskedCustomerIdSql("customer_id")} AS customer_id, ${maskedNameSql("name")} AS name)
     FROM (${colourListSql(asOf, tag)}) LIMIT ${RED_LIST_ON_PAGE}`;
  const reds = await queryRows(connection, onPage("red"), "red list");
  const heldBack = await queryRows(connection, onPage("held back"), "held back");
  const transitions = previousAsOf ? await colourTransitions(connection, previousAsOf, asOf) : [];
  const alerts = await colourAlerts(connection, asOf, previousAsOf, settings);
  log("accuracy per rule…");
  // The judged history is coloured once; the report, the grids and the before/after read it.
  const judged = await judgeHistory(connection, settings);
  const accuracy = await ruleAccuracy(connection, settings, judged);
  log("threshold grids…");
  const recommendations = await recommendThresholds(connection, settings, judged);
  const beforeAfter = await accuracyBeforeAfter(connection, settings, recommendations, judged);
  const weekly = await queryRows(
    connection,
    `SELECT strftime(as_of, '%Y-%m-%d') AS as_of, tag, count(*) AS customers FROM colour_history
     GROUP BY ALL ORDER BY as_of`,
    "colour history",
  );
  return {
    asOf,
    previousAsOf,
    missing: false,
    counts,
    rules,
    reds,
    redTotal: counts.find((c) => c.tag === "red")?.customers ?? 0,
    heldBack,
    transitions,
    alerts,
    accuracy,
    recommendations,
    beforeAfter,
    weekly,
    settings: {
      aim: settings.colours.accuracy.aim,
      falseRedDealRate: settings.colours.accuracy.falseRedDealRate,
      minEvidence: settings.colours.accuracy.minEvidence,
      fatigueMaxReds: settings.colours.fatigueMaxReds,
      horizonDays: settings.colours.horizonDays,
    },
  };
}
