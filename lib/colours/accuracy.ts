import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {
  COLOUR_RULES,
  changedCustomersSql,
  colourAssignmentsSql,
  isRuleEnabled,
  ruleJudgement,
  ruleLabel,
  ruleThreshold,
  type RuleId,
  type Thresholds,
} from "./rules.js";

/**
 * The as-of dates whose outcome is known for every rule (date + the longest horizon of an
 * enabled rule ≤ the newest as-of date), split into an earlier "choose" period and a later
 * "validate" period. Thresholds are chosen on the first and judged on the second only, so the
 * validated accuracy never saw the data it was chosen on.
 */
export async function judgedPeriods(
  connection: DuckDBConnection,
  settings: Settings,
): Promise<{latest: string | null; horizon: number; choose: string[]; validate: string[]}> {
  const horizon = Math.max(
    ...COLOUR_RULES.filter((r) => isRuleEnabled(settings, r.id)).map(
      (r) => ruleJudgement(settings, r.id).horizonDays,
    ),
  );
  const rows = await queryRows<{as_of: string; latest: string}>(
    connection,
    `SELECT DISTINCT as_of, (SELECT max(as_of) FROM colour_features) AS latest FROM colour_features
     WHERE as_of + ${horizon} <= (SELECT max(as_of) FROM colour_features) ORDER BY as_of`,
    "judged as-of dates",
  );
  const latestRow = await queryRows<{latest: string | null}>(
    connection,
    "SELECT max(as_of) AS latest FROM colour_features",
    "judged as-of dates",
  );
  const dates = rows.map((r) => r.as_of);
  const cut =
    dates.length < 2
      ? dates.length
      : Math.min(
          dates.length - 1,
          Math.max(1, Math.round(dates.length * settings.colours.accuracy.chooseShare)),
        );
  return {
    latest: latestRow[0]?.latest ?? null,
    horizon,
    choose: dates.slice(0, cut),
    validate: dates.slice(cut),
  };
}

/** Accuracy of one rule over the judged history. */
export interface RuleAccuracy {
  rule: RuleId;
  condition: string;
  colour: string;
  expect: "buy" | "no buy";
  horizon_days: number;
  assignments: number;
  customers: number;
  /** Share of this rule's assignments followed by a purchase within the rule's horizon. */
  deal_rate: number;
  /** Share of this rule's assignments that were right (its precision). */
  precision: number;
  /** Share of all judged assignments with the outcome this rule expects that this rule caught. */
  recall: number;
  false_red: boolean;
}

export interface AccuracyReport {
  latest: string | null;
  judgedFrom: string | null;
  judgedTo: string | null;
  asOfDates: number;
  assignments: number;
  accuracy: number | null;
  aim: number;
  /** Buyers (within the default horizon) who were not red, by the colour they had. */
  missedReds: {tag: string; customers: number}[];
  heldBack: {assignments: number; deal_rate: number | null};
  rules: RuleAccuracy[];
}

function datesSql(dates: string[]): string {
  return dates.length ? dates.map((d) => `DATE '${d}'`).join(", ") : "NULL";
}

/**
 * Accuracy per rule and overall on the judged history: for each colour assignment, did the
 * customer buy within the rule's horizon, and was that what the rule expects? Red rules whose
 * deal rate is below colours.accuracy.falseRedDealRate are marked false red.
 */
export async function ruleAccuracy(
  connection: DuckDBConnection,
  settings: Settings,
  history?: JudgedHistory,
): Promise<AccuracyReport> {
  const {latest, choose, validate} = history ?? (await judgeHistory(connection, settings));
  const dates = [...choose, ...validate];
  const a = settings.colours.accuracy;
  const judged = `SELECT * FROM colour_current WHERE as_of IN (${datesSql(dates)})`;
  const rules = await queryRows<Omit<RuleAccuracy, "condition" | "colour" | "false_red">>(
    connection,
    `WITH j AS (${judged}),
     expected AS (
       SELECT r.rule, count(*) FILTER (WHERE CASE WHEN r.expect = 'buy'
         THEN coalesce(j.next_buy_days <= r.horizon_days, false)
         ELSE coalesce(j.next_buy_days > r.horizon_days, true) END) AS n
       FROM (SELECT DISTINCT rule, expect, horizon_days FROM j) r, j GROUP BY r.rule)
     SELECT rule, any_value(expect) AS expect, any_value(horizon_days) AS horizon_days, count(*) AS assignments,
       count(DISTINCT customer_id) AS customers,
       avg(CASE WHEN coalesce(next_buy_days <= horizon_days, false) THEN 1 ELSE 0 END) AS deal_rate,
       avg(CASE WHEN "right" THEN 1 ELSE 0 END) AS precision,
       sum(CASE WHEN "right" THEN 1 ELSE 0 END) / any_value(e.n) AS recall
     FROM j JOIN expected e USING (rule) GROUP BY rule`,
    "rule accuracy",
  );
  const [overall] = await queryRows<{
    assignments: number;
    accuracy: number | null;
    held: number;
    held_rate: number | null;
  }>(
    connection,
    `SELECT count(*) AS assignments, avg(CASE WHEN "right" THEN 1 ELSE 0 END) AS accuracy,
       count(*) FILTER (WHERE held_back) AS held,
       avg(CASE WHEN coalesce(next_buy_days <= horizon_days, false) THEN 1 ELSE 0 END) FILTER (WHERE held_back) AS held_rate
     FROM (${judged})`,
    "rule accuracy",
  );
  const missedReds = await queryRows<{tag: string; customers: number}>(
    connection,
    `SELECT tag, count(*) AS customers FROM (${judged})
     WHERE colour <> 'red' AND next_buy_days <= ${settings.colours.horizonDays} GROUP BY tag ORDER BY customers DESC`,
    "missed reds",
  );
  const order = COLOUR_RULES.map((r) => r.id);
  return {
    latest,
    judgedFrom: dates[0] ?? null,
    judgedTo: dates.at(-1) ?? null,
    asOfDates: dates.length,
    assignments: overall?.assignments ?? 0,
    accuracy: overall?.assignments ? overall.accuracy : null,
    aim: a.aim,
    missedReds,
    heldBack: {assignments: overall?.held ?? 0, deal_rate: overall?.held_rate ?? null},
    rules: rules
      .map((r) => {
        const meta = COLOUR_RULES.find((m) => m.id === r.rule)!;
        return {
          ...r,
          condition: ruleLabel(r.rule, ruleThreshold(settings, r.rule)),
          colour: meta.colour,
          false_red: meta.colour === "red" && r.deal_rate < a.falseRedDealRate,
        };
      })
      .sort((x, y) => order.indexOf(x.rule) - order.indexOf(y.rule)),
  };
}

/** One threshold tried on the history: accuracy in each period and how much it changes. */
export interface GridPoint {
  threshold: number;
  choose_accuracy: number | null;
  validate_accuracy: number | null;
  /** Assignments whose colour differs from the current thresholds', per period. */
  choose_changed: number;
  validate_changed: number;
  /** Customers whose colour would change today (the newest as-of date). */
  recolour_today: number;
  /** Later-period assignments the new threshold turns from wrong to right, and from right to wrong. */
  validate_fixed: number;
  validate_broken: number;
}

export interface Recommendation {
  rule: RuleId;
  condition: string;
  current: number | undefined;
  /** The recommended threshold, or null when there is no recommendation (see `why`). */
  recommended: number | null;
  current_accuracy: number | null;
  expected_accuracy: number | null;
  recolour_today: number | null;
  why: string;
  grid: GridPoint[];
}

/** Per period and outcome group, how many assignments there are and how many are right. */
interface PeriodTotals {
  n: number;
  right: number;
  nBuy: number;
  rightBuy: number;
  nOther: number;
  rightOther: number;
}
type Baseline = Map<string, PeriodTotals>;

/** The period of an as-of date: the earlier half it is chosen on, the later half, or today. */
function periodSql(choose: string[], validate: string[]): string {
  return `CASE WHEN as_of IN (${datesSql(choose)}) THEN 'choose'
    WHEN as_of IN (${datesSql(validate)}) THEN 'validate' ELSE 'today' END`;
}

/** The judged periods of the colour history and its assignments under the current thresholds. */
export interface JudgedHistory {
  latest: string | null;
  horizon: number;
  choose: string[];
  validate: string[];
  /** Assignments and right ones per period ("choose", "validate") and outcome group. */
  baseline: Baseline;
}

/**
 * Colours the judged dates and the newest one under the current thresholds, once, into temp
 * table colour_current, with their totals per period. The accuracy report, every threshold of the
 * grids and the before/after of the recommendations all read it: each candidate threshold then
 * only recolours the customers it can change (see changedCustomersSql) and adds its differences
 * to these totals. (Each of them colouring the whole history again was most of the follow-up
 * page's time on a million customers.)
 */
export async function judgeHistory(
  connection: DuckDBConnection,
  settings: Settings,
): Promise<JudgedHistory> {
  const periods = await judgedPeriods(connection, settings);
  const {latest, choose, validate} = periods;
  const today = latest ? ` OR as_of = DATE '${latest}'` : "";
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE colour_current AS
     SELECT as_of, customer_id, rule, colour, tag, held_back, expect, horizon_days, next_buy_days, "right"
     FROM (${colourAssignmentsSql(settings)})
     WHERE as_of IN (${datesSql([...choose, ...validate])})${today}`,
    "current colours",
  );
  const h = settings.colours.horizonDays;
  const rows = await queryRows<{period: string} & PeriodTotals>(
    connection,
    `SELECT ${periodSql(choose, validate)} AS period, count(*) AS n, count(*) FILTER (WHERE "right") AS "right",
       count(*) FILTER (WHERE next_buy_days <= ${h}) AS nBuy,
       count(*) FILTER (WHERE next_buy_days <= ${h} AND "right") AS rightBuy,
       count(*) FILTER (WHERE coalesce(next_buy_days > ${h}, true)) AS nOther,
       count(*) FILTER (WHERE coalesce(next_buy_days > ${h}, true) AND "right") AS rightOther
     FROM colour_current GROUP BY period HAVING period <> 'today'`,
    "current colours",
  );
  return {...periods, baseline: new Map(rows.map(({period, ...totals}) => [period, totals]))};
}

/** Accuracy and changes of one set of thresholds against colour_current, per period. */
async function tryThresholds(
  connection: DuckDBConnection,
  settings: Settings,
  baseline: Baseline,
  overrides: Thresholds,
  choose: string[],
  validate: string[],
  latest: string,
): Promise<
  Omit<GridPoint, "threshold"> & {choose_current: number | null; validate_current: number | null}
> {
  const h = settings.colours.horizonDays;
  // Only the customers the thresholds can recolour are coloured again; for everyone else the
  // candidate's assignments equal the current ones, so they add nothing to the differences.
  const changed = `(SELECT * FROM colour_features WHERE customer_id IN (${changedCustomersSql(settings, overrides)}))`;
  const gain = (filter: string) =>
    `count(*) FILTER (WHERE ${filter} AND cand."right") - count(*) FILTER (WHERE ${filter} AND cur."right")`;
  const rows = await queryRows<{
    period: string;
    gain: number;
    gainBuy: number;
    gainOther: number;
    changed: number;
    fixed: number;
    broken: number;
  }>(
    connection,
    `WITH cand AS (${colourAssignmentsSql(settings, overrides, changed)})
     SELECT ${periodSql(choose, validate)} AS period,
       ${gain("true")} AS gain,
       ${gain(`cur.next_buy_days <= ${h}`)} AS gainBuy,
       ${gain(`coalesce(cur.next_buy_days > ${h}, true)`)} AS gainOther,
       count(*) FILTER (WHERE cand.tag <> cur.tag) AS changed,
       count(*) FILTER (WHERE cand."right" AND NOT cur."right") AS fixed,
       count(*) FILTER (WHERE cur."right" AND NOT cand."right") AS broken
     FROM colour_current cur JOIN cand USING (as_of, customer_id)
     WHERE as_of IN (${datesSql([...choose, ...validate])}) OR as_of = DATE '${latest}'
     GROUP BY period`,
    "threshold grid",
  );
  const get = (p: string) => rows.find((r) => r.period === p);
  // Plain accuracy (the default) prefers a new threshold exactly when the recoloured customers'
  // outcomes fit the new colour better. Balanced accuracy (settings.colours.accuracy.metric
  // "balanced") is the mean of the share right among buyers (within the default horizon) and
  // among the others.
  const accuracy = (p: string, withGain: boolean): number | null => {
    const t = baseline.get(p);
    if (!t) return null;
    const g = withGain ? get(p) : undefined;
    if (settings.colours.accuracy.metric === "accuracy")
      return t.n ? (t.right + (g?.gain ?? 0)) / t.n : null;
    if (!t.nBuy || !t.nOther) return null;
    return (
      ((t.rightBuy + (g?.gainBuy ?? 0)) / t.nBuy +
        (t.rightOther + (g?.gainOther ?? 0)) / t.nOther) /
      2
    );
  };
  return {
    choose_accuracy: accuracy("choose", true),
    validate_accuracy: accuracy("validate", true),
    choose_current: accuracy("choose", false),
    validate_current: accuracy("validate", false),
    choose_changed: get("choose")?.changed ?? 0,
    validate_changed: get("validate")?.changed ?? 0,
    recolour_today: get("today")?.changed ?? 0,
    validate_fixed: get("validate")?.fixed ?? 0,
    validate_broken: get("validate")?.broken ?? 0,
  };
}

/**
 * Whether a change's gain on the later period is more than chance: a one-sided sign test on the
 * assignments it fixes and breaks (z ≥ 1.645, 5%). Without it, changes that move a handful of
 * tens of thousands of colours would be recommended on noise.
 */
export function significantGain(fixed: number, broken: number): boolean {
  return fixed > broken && (fixed - broken) / Math.sqrt(fixed + broken) >= 1.645;
}

/**
 * Recommended threshold changes: for each rule, every threshold of its grid is tried on the
 * history. The best on the earlier period is chosen (ties keep the current threshold), then
 * judged on the later period. It is recommended only when it beats the current threshold there
 * and changes at least colours.accuracy.minEvidence assignments in each period; otherwise `why`
 * says what was missing.
 *
 * Each rule is tried against the current settings of the others. Rules interact (a grey that
 * fires on most customers decides what colour the others' candidates would otherwise have), so
 * after applying one change the others are worth trying again.
 */
export async function recommendThresholds(
  connection: DuckDBConnection,
  settings: Settings,
  history?: JudgedHistory,
): Promise<Recommendation[]> {
  const {latest, horizon, choose, validate, baseline} =
    history ?? (await judgeHistory(connection, settings));
  const minEvidence = settings.colours.accuracy.minEvidence;
  const out: Recommendation[] = [];
  for (const rule of COLOUR_RULES.filter((r) => r.key)) {
    const current = ruleThreshold(settings, rule.id);
    const base = {
      rule: rule.id,
      condition: ruleLabel(rule.id, current),
      current,
      recommended: null,
      current_accuracy: null,
      expected_accuracy: null,
      recolour_today: null,
      grid: [] as GridPoint[],
    };
    if (!isRuleEnabled(settings, rule.id)) {
      out.push({...base, why: "The rule is turned off in the settings."});
      continue;
    }
    if (!latest || choose.length === 0 || validate.length === 0) {
      out.push({
        ...base,
        why:
          `Too little history: need at least two as-of dates ${horizon} days or more before ` +
          `${latest ?? "the newest drop"} (one to choose on, one to validate on); there are ${choose.length + validate.length}.`,
      });
      continue;
    }
    const values = [
      ...new Set([
        ...settings.colours.rules[rule.id as Exclude<RuleId, "deal" | "nurture">].grid,
        current!,
      ]),
    ].sort((x, y) => x - y);
    const grid: GridPoint[] = [];
    let currentAcc: {choose: number | null; validate: number | null} = {
      choose: null,
      validate: null,
    };
    for (const threshold of values) {
      const point = await tryThresholds(
        connection,
        settings,
        baseline,
        {[rule.id]: threshold},
        choose,
        validate,
        latest,
      );
      if (threshold === current)
        currentAcc = {choose: point.choose_current, validate: point.validate_current};
      grid.push({
        threshold,
        choose_accuracy: point.choose_accuracy,
        validate_accuracy: point.validate_accuracy,
        choose_changed: point.choose_changed,
        validate_changed: point.validate_changed,
        recolour_today: point.recolour_today,
        validate_fixed: point.validate_fixed,
        validate_broken: point.validate_broken,
      });
    }
    // Best on the earlier period only; ties go to the current threshold, then to the closest one.
    const best = [...grid].sort(
      (x, y) =>
        (y.choose_accuracy ?? 0) - (x.choose_accuracy ?? 0) ||
        Number(y.threshold === current) - Number(x.threshold === current) ||
        Math.abs(x.threshold - current!) - Math.abs(y.threshold - current!),
    )[0]!;
    const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
    const result = {...base, grid, current_accuracy: currentAcc.validate};
    if (grid.every((g) => g.choose_changed === 0 && g.validate_changed === 0)) {
      out.push({
        ...result,
        why:
          "No threshold in the grid changes any colour: the data holds no event this rule " +
          "reads, or every customer it would recolour gets the same colour from another rule (such as the other grey).",
      });
    } else if (best.threshold === current) {
      out.push({
        ...result,
        why: `The current threshold has the best ${metricName(settings)} on the earlier period (${pct(best.choose_accuracy)}).`,
      });
    } else if (best.choose_changed < minEvidence || best.validate_changed < minEvidence) {
      out.push({
        ...result,
        why:
          `Too thin: ${best.threshold} would recolour only ${best.choose_changed} assignments in ` +
          `the earlier period and ${best.validate_changed} in the later one; at least ${minEvidence} in each are needed.`,
      });
    } else if ((best.validate_accuracy ?? 0) <= (currentAcc.validate ?? 0)) {
      out.push({
        ...result,
        why:
          `${best.threshold} was best on the earlier period (${pct(best.choose_accuracy)}) but ` +
          `did not beat the current threshold on the later period (${pct(best.validate_accuracy)} vs ${pct(currentAcc.validate)}).`,
      });
    } else if (
      settings.colours.accuracy.metric === "accuracy" &&
      !significantGain(best.validate_fixed, best.validate_broken)
    ) {
      out.push({
        ...result,
        why:
          `${best.threshold} was best on the earlier period, but on the later period it made ` +
          `${best.validate_fixed} colours right and ${best.validate_broken} wrong: too close to call.`,
      });
    } else {
      out.push({
        ...result,
        recommended: best.threshold,
        expected_accuracy: best.validate_accuracy,
        recolour_today: best.recolour_today,
        why:
          `Chosen on ${choose[0]}…${choose.at(-1)} (${pct(best.choose_accuracy)} vs ${pct(currentAcc.choose)}), ` +
          `validated on ${validate[0]}…${validate.at(-1)} (${pct(best.validate_accuracy)} vs ${pct(currentAcc.validate)}; ` +
          `${best.validate_fixed} colours made right, ${best.validate_broken} wrong).`,
      });
    }
  }
  return out;
}

/**
 * Overall accuracy on the later (validation) period with the current thresholds and with every
 * recommended change applied together: the "before and after" of the recommendations.
 */
export async function accuracyBeforeAfter(
  connection: DuckDBConnection,
  settings: Settings,
  recommendations: Recommendation[],
  history?: JudgedHistory,
): Promise<{before: number | null; after: number | null; period: string | null}> {
  const {latest, choose, validate, baseline} =
    history ?? (await judgeHistory(connection, settings));
  if (!latest || validate.length === 0) return {before: null, after: null, period: null};
  const overrides: Thresholds = {};
  for (const r of recommendations) if (r.recommended !== null) overrides[r.rule] = r.recommended;
  const point = await tryThresholds(
    connection,
    settings,
    baseline,
    overrides,
    choose,
    validate,
    latest,
  );
  return {
    before: point.validate_current,
    after: point.validate_accuracy,
    period: `${validate[0]}…${validate.at(-1)}`,
  };
}

function metricName(settings: Settings): string {
  return settings.colours.accuracy.metric === "accuracy" ? "accuracy" : "balanced accuracy";
}
