import {daysAgoSql} from "../duckdb.js";
import type {Settings} from "../settings/index.js";

export type Colour = "red" | "orange" | "yellow" | "green" | "grey";

/** A rule whose threshold can be tuned; `key` is the settings key holding the threshold. */
export interface ColourRule {
  id: RuleId;
  colour: Colour;
  /** The setting under colours.rules.<id> that the grid varies; undefined for the green rules. */
  key?: "months" | "windowDays" | "minSeconds" | "minOpens" | "minHours" | "days";
  /** What the rule says, with {t} for the threshold. */
  label: string;
}

export type RuleId =
  | "inactive"
  | "compare"
  | "longVisit"
  | "quoteOpens"
  | "readNoReply"
  | "firstContact"
  | "noClick"
  | "deal"
  | "nurture";

/** Threshold overrides by rule, used to try other thresholds on the history. */
export type Thresholds = Partial<Record<RuleId, number>>;

/**
 * The colour rules in the order they are tried: the first that holds gives the colour. Grey for
 * long silence comes first (nothing else matters then); red signals beat orange ones, which beat
 * a recent first contact; the playbook's second grey (no link opened) applies instead of green.
 */
export const COLOUR_RULES: ColourRule[] = [
  {id: "inactive", colour: "grey", key: "months", label: "no interaction for {t} months"},
  {id: "compare", colour: "red", key: "windowDays", label: "comparing word in the last {t} days"},
  {id: "longVisit", colour: "red", key: "minSeconds", label: "site visit longer than {t} s"},
  {id: "quoteOpens", colour: "orange", key: "minOpens", label: "quote opened ≥ {t} times"},
  {id: "readNoReply", colour: "orange", key: "minHours", label: "read, no reply for ≥ {t} h"},
  {id: "firstContact", colour: "yellow", key: "days", label: "first contact < {t} days ago"},
  {id: "noClick", colour: "grey", key: "days", label: "no link opened for ≥ {t} days"},
  {id: "deal", colour: "green", label: "deal done"},
  {id: "nurture", colour: "green", label: "no open signal, no deal yet"},
];

export const RED_RULES: RuleId[] = COLOUR_RULES.filter((r) => r.colour === "red").map((r) => r.id);

/** The rule's current threshold, from the settings (overrides win). */
export function ruleThreshold(
  settings: Settings,
  id: RuleId,
  overrides: Thresholds = {},
): number | undefined {
  const rule = COLOUR_RULES.find((r) => r.id === id);
  if (!rule?.key) return undefined;
  if (overrides[id] !== undefined) return overrides[id];
  const config = settings.colours.rules[id as Exclude<RuleId, "deal" | "nurture">] as Record<
    string,
    unknown
  >;
  return Number(config[rule.key]);
}

/** Whether a rule applies at all (the green rules always do). */
export function isRuleEnabled(settings: Settings, id: RuleId): boolean {
  if (id === "deal" || id === "nurture") return true;
  return settings.colours.rules[id].enabled;
}

/** How the rule's assignments are judged: the outcome it expects and within how many days. */
export function ruleJudgement(
  settings: Settings,
  id: RuleId,
): {expect: "buy" | "no buy"; horizonDays: number} {
  const config =
    id === "deal" || id === "nurture" ? settings.colours.rules.green : settings.colours.rules[id];
  return {expect: config.expect, horizonDays: config.horizonDays};
}

/** The readable condition of a rule at a threshold, e.g. "quote opened ≥ 2 times". */
export function ruleLabel(id: RuleId, threshold?: number): string {
  const rule = COLOUR_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown colour rule ${JSON.stringify(id)}`);
  return rule.label.replace("{t}", String(threshold ?? ""));
}

/** The SQL condition (over colour_features columns) under which a rule holds at threshold t. */
function conditionSql(id: RuleId, t: number | undefined): string {
  switch (id) {
    case "inactive":
      return `inactive_months >= ${t}`;
    case "compare":
      return `days_since_compare < ${t}`;
    case "longVisit":
      return `max_visit_s > ${t}`;
    case "quoteOpens":
      return `quote_opens >= ${t}`;
    case "readNoReply":
      return `read_no_reply_hours >= ${t}`;
    case "firstContact":
      return `last_deal IS NULL AND days_since_first < ${t}`;
    case "noClick":
      // Null when the export tracks no link clicks at all (see buildColourFeatures): no grey then.
      return `days_since_click >= ${t}`;
    case "deal":
      return "last_deal IS NOT NULL";
    case "nurture":
      return "true";
  }
}

/** The value a rule measured, as SQL, and how the reason words it. */
function reasonSql(id: RuleId, t: number | undefined): string {
  switch (id) {
    case "inactive":
      return `format('no interaction since {} ({} days; grey after {} months)', last_interaction, as_of - last_interaction, ${t})`;
    case "compare":
      return `format('comparing word in own message {} (within {} days)', ${daysAgoSql("days_since_compare")}, ${t})`;
    case "longVisit":
      return `format('site visit of {} s (> {} s)', CAST(round(max_visit_s) AS BIGINT), ${t})`;
    case "quoteOpens":
      return `format('quote opened {} times (≥ {})', quote_opens, ${t})`;
    case "readNoReply":
      return `format('read, no reply for {} h (≥ {} h)', CAST(floor(read_no_reply_hours) AS BIGINT), ${t})`;
    case "firstContact":
      return `format('first contact {} (< {}), no deal yet', ${daysAgoSql("days_since_first")}, ${t})`;
    case "noClick":
      return `format('no link opened for {} days (≥ {}){}', days_since_click, ${t}, CASE WHEN ever_clicked THEN '' ELSE ', never clicked' END)`;
    case "deal":
      return "format('deal done {}; 12-month spend {}', last_deal, coalesce(CAST(round(annual_spend, 2) AS VARCHAR), 'unknown: no rate in money.rates to compare with darkGreenSpend'))";
    case "nurture":
      return "'no open signal, no deal yet'";
  }
}

function measuredSql(id: RuleId): string {
  switch (id) {
    case "inactive":
      return "as_of - last_interaction";
    case "compare":
      return "days_since_compare";
    case "longVisit":
      return "max_visit_s";
    case "quoteOpens":
      return "quote_opens";
    case "readNoReply":
      return "read_no_reply_hours";
    case "firstContact":
      return "days_since_first";
    case "noClick":
      return "days_since_click";
    case "deal":
      return "annual_spend";
    case "nurture":
      return "NULL";
  }
}

/** A CASE expression naming the first enabled rule that holds, optionally skipping red rules. */
function firstRuleSql(settings: Settings, overrides: Thresholds, skipRed: boolean): string {
  const arms = COLOUR_RULES.filter((r) => isRuleEnabled(settings, r.id))
    .filter((r) => !(skipRed && r.colour === "red"))
    .map(
      (r) => `WHEN ${conditionSql(r.id, ruleThreshold(settings, r.id, overrides))} THEN '${r.id}'`,
    );
  return `CASE ${arms.join(" ")} END`;
}

function perRule(fn: (id: RuleId) => string, column = "rule"): string {
  return `CASE ${column} ${COLOUR_RULES.map((r) => `WHEN '${r.id}' THEN ${fn(r.id)}`).join(" ")} END`;
}

/**
 * SQL for every customer's colour at every as-of date of colour_features, with red fatigue.
 *
 * Fatigue: within a run of consecutive as-of dates (colour_features.seq) where a red rule holds, every
 * (fatigueMaxReds + 1)-th one is held back and takes the first non-red rule instead, so a
 * customer is never marked red more than fatigueMaxReds times in a row.
 *
 * Columns: as_of, customer_id, rule, colour, tag (dark/light green split), held_back,
 * held_rule (the red rule held back), value, reason, expect, horizon_days, next_buy_days, right
 * (null when the outcome is not known yet), annual_spend.
 *
 * @param overrides Thresholds to try instead of the settings' ones.
 * @param features The colour_features rows to colour (a subquery over whole customers), by
 *   default all; `latest` is always the newest as-of date of the whole table.
 */
export function colourAssignmentsSql(
  settings: Settings,
  overrides: Thresholds = {},
  features = "colour_features",
): string {
  const c = settings.colours;
  const reds = RED_RULES.map((r) => `'${r}'`).join(", ");
  return `
    WITH candidates AS (
      SELECT f.*, ${firstRuleSql(settings, overrides, false)} AS first_rule,
             ${firstRuleSql(settings, overrides, true)} AS calm_rule
      FROM ${features} f),
    -- A red candidate's place in its run of consecutive red candidates: its seq less the seq of
    -- the customer's last non-red assessment before it (one sort, where row numbers per run took three).
    placed AS (
      SELECT *, first_rule IN (${reds}) AS red_candidate,
        seq - coalesce(max(CASE WHEN first_rule NOT IN (${reds}) THEN seq END)
          OVER (PARTITION BY customer_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS run_pos
      FROM candidates),
    decided AS (
      SELECT *, red_candidate AND run_pos % ${c.fatigueMaxReds + 1} = 0 AS held_back,
        CASE WHEN red_candidate AND run_pos % ${c.fatigueMaxReds + 1} = 0 THEN calm_rule ELSE first_rule END AS rule
      FROM placed)
    SELECT as_of, customer_id, rule,
      ${perRule((id) => `'${COLOUR_RULES.find((r) => r.id === id)!.colour}'`)} AS colour,
      CASE WHEN ${perRule((id) => `'${COLOUR_RULES.find((r) => r.id === id)!.colour}'`)} = 'green'
        THEN CASE WHEN annual_spend > ${c.darkGreenSpend} THEN 'dark green' ELSE 'light green' END
        ELSE ${perRule((id) => `'${COLOUR_RULES.find((r) => r.id === id)!.colour}'`)} END AS tag,
      held_back, CASE WHEN held_back THEN first_rule END AS held_rule,
      CAST(${perRule(measuredSql)} AS DOUBLE) AS value,
      ${perRule((id) => reasonSql(id, ruleThreshold(settings, id, overrides)))}
        || CASE WHEN held_back THEN format(' — red held back (fatigue: {} reds in a row), {} fired', ${c.fatigueMaxReds}, first_rule) ELSE '' END AS reason,
      ${perRule((id) => `'${ruleJudgement(settings, id).expect}'`)} AS expect,
      ${perRule((id) => String(ruleJudgement(settings, id).horizonDays))} AS horizon_days,
      next_buy_days,
      CASE WHEN as_of + ${perRule((id) => String(ruleJudgement(settings, id).horizonDays))} > latest THEN NULL
           WHEN ${perRule((id) => `'${ruleJudgement(settings, id).expect}'`)} = 'buy'
             THEN coalesce(next_buy_days <= ${perRule((id) => String(ruleJudgement(settings, id).horizonDays))}, false)
           ELSE coalesce(next_buy_days > ${perRule((id) => String(ruleJudgement(settings, id).horizonDays))}, true) END AS "right",
      annual_spend
    FROM decided, (SELECT max(as_of) AS latest FROM colour_features) l`;
}

/**
 * SQL for the customers whose colour can differ under `overrides`: those with an assessment where
 * the first rule that holds, or the first non-red one (what fatigue falls back to), differs from
 * the current settings'. Everyone else keeps every colour of their history, fatigue included,
 * since fatigue looks at one customer's own assessments only.
 */
export function changedCustomersSql(settings: Settings, overrides: Thresholds): string {
  const differs = (skipRed: boolean) =>
    `(${firstRuleSql(settings, overrides, skipRed)}) IS DISTINCT FROM (${firstRuleSql(settings, {}, skipRed)})`;
  return `SELECT DISTINCT customer_id FROM colour_features WHERE ${differs(false)} OR ${differs(true)}`;
}
