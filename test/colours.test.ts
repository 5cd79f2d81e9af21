import {afterEach, describe, expect, it} from "vitest";
import {accuracyBeforeAfter, judgedPeriods, recommendThresholds, ruleAccuracy, significantGain} from "../lib/colours/accuracy.js";
import {compareWordsPattern, inactiveMonthsSql} from "../lib/colours/features.js";
import {produceColourTags} from "../lib/colours/history.js";
import {COLOUR_HISTORY_SCHEMA} from "../lib/colours/history.js";
import {colourAlerts, colourCounts, colourTransitions, ruleCounts, todaysRedList} from "../lib/colours/lists.js";
import {followUp} from "../loaders/follow-up.js";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {createLocalEvents} from "../lib/tags/families.js";
import {ensureSchema} from "../lib/warehouse.js";

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

/** An empty in-memory warehouse with the tagging run's temp tables, zones as given. */
async function warehouse(zones: Record<string, string>): Promise<Database> {
  db = await openDatabase(":memory:");
  await ensureSchema(db.connection);
  const rows = Object.entries(zones).map(([id, zone]) => `('${id}', '${zone}')`).join(", ");
  await run(db.connection, `CREATE TEMP TABLE customer_zone AS SELECT * FROM (VALUES ${rows}) t(customer_id, zone)`, "t");
  await run(db.connection, `INSERT INTO customers (customer_id) SELECT customer_id FROM customer_zone`, "t");
  await run(db.connection, "CREATE TEMP TABLE new_tags (customer_id VARCHAR, family VARCHAR, tag VARCHAR, reason VARCHAR)", "t");
  return db;
}

/** What a tagging run does after the events are in: local dates per customer, then colours. */
async function colourTags(asOf: string, settings: ReturnType<typeof parseSettings>): Promise<void> {
  await createLocalEvents(db!.connection, "test local events");
  await produceColourTags(db!.connection, asOf, settings);
}

async function sql(statement: string): Promise<void> {
  await run(db!.connection, statement, "test data");
}

async function history(customer: string) {
  return queryRows<{d: string; tag: string; rule: string; held: boolean}>(
    db!.connection,
    `SELECT strftime(as_of, '%m-%d') AS d, tag, rule, held_back AS held FROM colour_history
     WHERE customer_id = '${customer}' ORDER BY as_of`,
    "t",
  );
}

const daily = {colours: {stepDays: 1, historyDays: 30}};

describe("colour state machine on hand-made event sequences", () => {
  it("does not grey customers for 'no link opened' when the data tracks no link clicks at all", async () => {
    await warehouse({b: "Europe/Berlin"});
    await sql(`INSERT INTO orders VALUES ('o1', 'b', '2024-03-01T12:00:00Z', 50, 'USD', 'paid', 'd')`);
    await colourTags("2024-03-20", parseSettings(daily));
    // 19 days after the deal with no click: without any link_click event in the drop the rule
    // has nothing to read, so the deal's green stands.
    expect((await history("b")).at(-1)).toMatchObject({d: "03-20", tag: "light green", rule: "deal"});
    await sql(`INSERT INTO web_events (customer_id, "at", kind) VALUES ('x', '2024-03-02T10:00:00Z', 'link_click')`);
    await colourTags("2024-03-20", parseSettings(daily));
    // With clicks tracked (someone's), b's 19 days without one make b grey.
    expect((await history("b")).at(-1)).toMatchObject({d: "03-20", tag: "grey", rule: "noClick"});
  });

  it("knows the next purchase of a prospect who had never ordered (the outcome accuracy is judged on)", async () => {
    await warehouse({p: "Europe/Berlin"});
    await sql(`INSERT INTO messages (message_id, customer_id, direction, sent_at, text) VALUES
      ('m1', 'p', 'in', '2024-03-01T10:00:00Z', 'Hallo')`);
    await sql(`INSERT INTO orders VALUES ('o1', 'p', '2024-03-06T12:00:00Z', 50, 'USD', 'paid', 'd')`);
    await colourTags("2024-03-10", parseSettings(daily));
    const rows = await queryRows<{d: string; next: number | null; deal: string | null}>(db!.connection,
      `SELECT strftime(as_of, '%m-%d') AS d, next_buy_days AS next, strftime(last_deal, '%m-%d') AS deal
       FROM colour_features WHERE customer_id = 'p' AND as_of IN ('2024-03-01', '2024-03-05', '2024-03-06') ORDER BY as_of`, "t");
    // Before the first order the next purchase is 5 days (then 1 day) ahead; on its day it is the deal.
    expect(rows).toEqual([
      {d: "03-01", next: 5, deal: null},
      {d: "03-05", next: 1, deal: null},
      {d: "03-06", next: null, deal: "03-06"},
    ]);
  });

  it("walks yellow → orange → red (with fatigue) → green → grey, one as-of date a day", async () => {
    await warehouse({a: "Europe/Berlin"});
    await sql(`INSERT INTO messages (message_id, customer_id, direction, sent_at, text) VALUES
      ('m1', 'a', 'in', '2024-03-01T10:00:00Z', 'Hallo, habt ihr das Telefon?'),
      ('m2', 'a', 'in', '2024-03-05T10:00:00Z', 'Danke, ich möchte noch VERGLEICHEN, bevor ich kaufe')`);
    await sql(`INSERT INTO web_events (customer_id, "at", kind) VALUES
      ('a', '2024-03-03T10:00:00Z', 'quote_open'), ('a', '2024-03-03T11:00:00Z', 'quote_open'),
      ('a', '2024-03-03T12:00:00Z', 'quote_open'), ('a', '2024-03-10T12:00:00Z', 'link_click')`);
    await sql(`INSERT INTO orders VALUES ('o1', 'a', '2024-03-12T12:00:00Z', 50, 'USD', 'paid', 'd')`);
    // An earlier drop on 03-11: the history keeps reasons in words at drop dates (and the newest).
    await sql(`INSERT INTO drops (drop_id, as_of) VALUES ('earlier', DATE '2024-03-11')`);
    const settings = parseSettings(daily);
    await colourTags("2024-03-20", settings);

    const steps = (await history("a")).map((h) => `${h.d} ${h.tag} ${h.rule}${h.held ? " held" : ""}`);
    expect(steps).toEqual([
      "03-01 yellow firstContact",
      "03-02 yellow firstContact",
      "03-03 orange quoteOpens",
      "03-04 orange quoteOpens",
      "03-05 red compare",
      "03-06 red compare",
      // Fatigue: a third red in a row is held back and shown in the next rule's colour.
      "03-07 orange quoteOpens held",
      "03-08 red compare",
      "03-09 red compare",
      "03-10 orange quoteOpens held",
      "03-11 red compare",
      // The deal ends the cycle: signals before it no longer count.
      "03-12 light green deal",
      "03-13 light green deal",
      "03-14 light green deal",
      "03-15 light green deal",
      "03-16 light green deal",
      // The playbook's second grey, green → grey: no link opened for 7 days since the customer
      // became green (the deal on 03-12 is later than the last click on 03-10).
      "03-17 light green deal",
      "03-18 light green deal",
      "03-19 grey noClick",
      "03-20 grey noClick",
    ]);
    const tags = await queryRows(db!.connection, "SELECT * FROM new_tags", "t");
    expect(tags).toEqual([
      {customer_id: "a", family: "colour", tag: "grey", reason: "noClick: no link opened for 8 days (≥ 7)"},
    ]);
    const red = await todaysRedList(db!.connection, "2024-03-11");
    expect(red.map((r) => [r.customer_id, r.rule, r.reason, r.since])).toEqual([
      ["a", "compare", "comparing word in own message 6 days ago (within 7 days)", "2024-03-11"],
    ]);
    expect(await colourTransitions(db!.connection, "2024-03-11", "2024-03-20")).toEqual([
      {from: "red", to: "grey", customers: 1},
    ]);
    expect(await colourCounts(db!.connection, "2024-03-07")).toEqual([
      {tag: "orange", customers: 1, share: 1, held_back: 1},
    ]);
    expect(await ruleCounts(db!.connection, "2024-03-20")).toEqual([{tag: "grey", rule: "noClick", customers: 1}]);
    // The page's loader: plain JSON, the held-back red listed with the rule that was held back.
    const page = (await followUp({connection: db!.connection, asOf: "2024-03-10", previousAsOf: "2024-03-09",
      dropId: "d", settings, log: () => {}})) as Record<string, unknown>;
    const json = JSON.parse(JSON.stringify(page));
    expect(json.heldBack.map((h: {held_rule: string; tag: string}) => [h.tag, h.held_rule])).toEqual([["orange", "compare"]]);
    expect(json.transitions).toEqual([{from: "red", to: "orange", customers: 1}]);
    expect(json.accuracy.assignments).toBe(0);
  });

  it("counts first-contact days in the customer's local calendar across a DST change (TC-06 kind)", async () => {
    await warehouse({b: "Europe/Berlin"});
    // 2024-03-28T23:30Z is 29 March 00:30 in Berlin; clocks go forward on 31 March.
    await sql(`INSERT INTO messages (message_id, customer_id, direction, sent_at, text) VALUES
      ('m1', 'b', 'in', '2024-03-28T23:30:00Z', 'hello')`);
    await colourTags("2024-04-05", parseSettings({colours: {...daily.colours, rules: {noClick: {enabled: false}}}}));
    const steps = (await history("b")).map((h) => `${h.d} ${h.tag}`);
    // Local days 03-29 … 04-04 are days 0 … 6 (yellow); 04-05 is day 7. Counting in UTC would
    // start on 03-28 and end yellow a day early.
    expect(steps).toEqual([
      "03-29 yellow", "03-30 yellow", "03-31 yellow", "04-01 yellow", "04-02 yellow", "04-03 yellow", "04-04 yellow",
      "04-05 light green",
    ]);
  });

  it("counts whole months of silence exactly as date less months does, month ends and leap days included", async () => {
    db = await openDatabase(":memory:");
    // Every ordered pair of the 483 days from Christmas 2023 to Easter 2025 (leap February, 30- and 31-day months).
    const rows = await queryRows<{pairs: number; wrong: number}>(
      db.connection,
      `WITH d AS (SELECT CAST(x AS DATE) AS day FROM range(DATE '2023-12-25', DATE '2025-04-21', INTERVAL 1 DAY) t(x)),
       p AS (SELECT a.day AS last, b.day AS as_of, ${inactiveMonthsSql("a.day", "b.day")} AS m FROM d a, d b WHERE a.day <= b.day)
       SELECT count(*) AS pairs, count(*) FILTER (WHERE (p.last <= CAST(p.as_of - INTERVAL (t) MONTH AS DATE)) <> (p.m >= t)) AS wrong
       FROM p, range(0, 18) r(t)`,
      "t",
    );
    expect(rows[0]).toEqual({pairs: (483 * 484 / 2) * 18, wrong: 0});
  });

  it("reads comparing words in every configured language, at word starts only", () => {
    const pattern = new RegExp(compareWordsPattern(parseSettings({}).colours.rules.compare.words), "u");
    const hits = (text: string) => pattern.test(text.toLowerCase());
    expect(hits("Comparing prices first")).toBe(true);
    expect(hits("결정하기 전에 다른 가게와 가격을 비교해 보고 싶어요.")).toBe(true);
    expect(hits("شكرا على العرض. أريد أن أقارن السعر مع متجر آخر")).toBe(true);
    expect(hits("我想先和别的店比较一下价格再决定。")).toBe(true);
    expect(hits("Saya mau bandingkan dulu dengan toko lain")).toBe(true);
    expect(hits("an uncompared offer")).toBe(false);
    expect(hits("Thanks, I will buy it")).toBe(false);
    expect(() => compareWordsPattern({en: []})).toThrow(/no word in any language/);
  });

  it("orange for a conversation read and not answered for 48 h, not for an order confirmation", async () => {
    await warehouse({c: "UTC", d: "UTC"});
    await sql(`INSERT INTO messages (message_id, customer_id, direction, sent_at, read_at, text, category) VALUES
      ('c1', 'c', 'in', '2024-05-01T09:00:00Z', NULL, 'price?', NULL),
      ('c2', 'c', 'out', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z', 'It is 20 USD', 'utility'),
      ('d1', 'd', 'out', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z', 'Thanks for your order', 'utility')`);
    await sql("INSERT INTO orders VALUES ('o1', 'd', '2024-05-01T09:00:00Z', 20, 'USD', 'paid', 'x')");
    await colourTags("2024-05-03", parseSettings({colours: {...daily.colours, rules: {noClick: {enabled: false}}}}));
    // Read 11:00 on 05-01; the end of 05-02 is 37 h later, the end of 05-03 is 61 h later.
    expect((await history("c")).map((h) => `${h.d} ${h.tag}`)).toEqual(["05-01 yellow", "05-02 yellow", "05-03 orange"]);
    expect((await history("d")).map((h) => h.tag)).toEqual(["light green", "light green", "light green"]);
  });

  it("reads a day with a comparing message and a later plain one as answered, every build (one row a day)", async () => {
    // Each customer asks with a comparing word, is answered and reads it, then writes again the
    // same day without one: the conversation is answered, so no read-no-reply hours at any date.
    // A per-day table keyed by (day, has a comparing word) let the ASOF join take either row.
    const ids = Array.from({length: 40}, (_, i) => `k${i}`);
    await warehouse(Object.fromEntries(ids.map((id) => [id, "UTC"])));
    await sql(`INSERT INTO messages (message_id, customer_id, direction, sent_at, read_at, text, category) VALUES
      ${ids.map((id) => `('${id}a', '${id}', 'in', '2024-05-01T09:00:00Z', NULL, 'cheaper elsewhere?', NULL),
        ('${id}b', '${id}', 'out', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z', 'It is 20 USD', 'utility'),
        ('${id}c', '${id}', 'in', '2024-05-01T15:00:00Z', NULL, 'ok thanks', NULL)`).join(",\n")}`);
    await colourTags("2024-05-04", parseSettings({colours: {...daily.colours, rules: {noClick: {enabled: false}}}}));
    const rows = await queryRows<{n: number; rnr: number; compare: number}>(
      db!.connection,
      `SELECT count(*) AS n, count(read_no_reply_hours) AS rnr, count(*) FILTER (WHERE days_since_compare = as_of - DATE '2024-05-01') AS compare
       FROM colour_features`,
      "t",
    );
    expect(rows[0]).toEqual({n: 160, rnr: 0, compare: 160});
  });
});

/**
 * A hand-made feature history: at each judged week, 10 customers opened a quote twice, 2 opened it
 * three times and 10 never did. `twoBuy` says whether the twice-openers bought within 5 days.
 */
async function featureHistory(twoBuy: (date: string) => boolean): Promise<void> {
  db = await openDatabase(":memory:");
  const weeks = ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"];
  const rows: string[] = [];
  const row = (d: string, id: string, opens: number, buy: number | null) =>
    rows.push(`(DATE '${d}', '${id}', ${opens}, ${buy ?? "NULL"})`);
  for (const d of weeks) {
    for (let i = 0; i < 10; i++) row(d, `two${i}`, 2, twoBuy(d) ? 5 : null);
    for (let i = 0; i < 2; i++) row(d, `three${i}`, 3, 5);
    for (let i = 0; i < 10; i++) row(d, `none${i}`, 0, null);
  }
  for (let i = 0; i < 3; i++) row("2024-03-31", `two${i}`, 2, null);
  row("2024-03-31", "none0", 0, null);
  await run(
    db.connection,
    `CREATE TABLE colour_features AS
     SELECT as_of, customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY as_of) AS seq, as_of - 100 AS first_contact, as_of AS last_interaction, NULL::DATE AS last_deal,
       next_buy_days, 0.0 AS annual_spend, NULL::INTEGER AS days_since_compare, NULL::DOUBLE AS max_visit_s,
       quote_opens, NULL::DOUBLE AS read_no_reply_hours, 100 AS days_since_first, 1 AS days_since_click,
       true AS ever_clicked, 0 AS inactive_months
     FROM (VALUES ${rows.join(", ")}) t(as_of, customer_id, quote_opens, next_buy_days)`,
    "features",
  );
}

const onlyQuotes = (minEvidence: number, metric: "balanced" | "accuracy" = "balanced") =>
  parseSettings({
    colours: {
      accuracy: {minEvidence, metric},
      rules: {
        inactive: {enabled: false}, compare: {enabled: false}, longVisit: {enabled: false},
        readNoReply: {enabled: false}, firstContact: {enabled: false}, noClick: {enabled: false},
        quoteOpens: {grid: [1, 2, 3, 4]},
      },
    },
  });

describe("accuracy and recommended thresholds on a small history", () => {
  it("measures deal rate, precision and recall per rule and overall", async () => {
    await featureHistory(() => true);
    const report = await ruleAccuracy(db!.connection, onlyQuotes(20));
    expect([report.judgedFrom, report.judgedTo, report.asOfDates, report.assignments]).toEqual(["2024-01-01", "2024-01-22", 4, 88]);
    // Right: 8 quote oranges (all bought) + 40 greens who did not buy; wrong: 40 greens who bought.
    expect(report.accuracy).toBeCloseTo(48 / 88, 10);
    const byRule = Object.fromEntries(report.rules.map((r) => [r.rule, r]));
    expect(byRule.quoteOpens).toMatchObject({assignments: 8, customers: 2, deal_rate: 1, precision: 1, false_red: false});
    expect(byRule.quoteOpens!.recall).toBeCloseTo(8 / 48, 10);
    expect(byRule.nurture).toMatchObject({assignments: 80, deal_rate: 0.5, precision: 0.5});
    expect(byRule.nurture!.recall).toBeCloseTo(40 / 40, 10);
    expect(report.missedReds).toEqual([{tag: "light green", customers: 40}, {tag: "orange", customers: 8}]);
  });

  it("recommends quote opened ≥ 2 instead of ≥ 3, with the recolouring of today", async () => {
    await featureHistory(() => true);
    const settings = onlyQuotes(20);
    const recs = await recommendThresholds(db!.connection, settings);
    const quote = recs.find((r) => r.rule === "quoteOpens")!;
    // 1 and 2 are equally right (nobody with 0 opens is recoloured); 2 is closer to today's 3.
    expect(quote).toMatchObject({current: 3, recommended: 2, recolour_today: 3, expected_accuracy: 1});
    // Balanced accuracy now: buyers 2 of 12 right, others 10 of 10 → (1/6 + 1) / 2.
    expect(quote.current_accuracy).toBeCloseTo(7 / 12, 10);
    expect(quote.grid.map((g) => [g.threshold, g.choose_changed, g.validate_changed])).toEqual([
      [1, 20, 20], [2, 20, 20], [3, 0, 0], [4, 4, 4],
    ]);
    const rules = recs.map((r) => r.rule);
    expect(rules).toEqual(["inactive", "compare", "longVisit", "quoteOpens", "readNoReply", "firstContact", "noClick"]);
    expect(recs.find((r) => r.rule === "compare")!.why).toBe("The rule is turned off in the settings.");
    const visits = (await recommendThresholds(db!.connection, parseSettings({colours: {rules: {
      inactive: {enabled: false}, noClick: {enabled: false}, firstContact: {enabled: false}}}})))
      .find((r) => r.rule === "longVisit")!;
    expect(visits.recommended).toBeNull();
    expect(visits.why).toMatch(/^No threshold in the grid changes any colour: the data holds no event this rule reads/);
    const both = await accuracyBeforeAfter(db!.connection, settings, recs);
    expect(both).toEqual({before: 7 / 12, after: 1, period: "2024-01-15…2024-01-22"});
  });

  it("with plain accuracy, recommends 2 when the later weeks confirm it beyond chance", async () => {
    await featureHistory(() => true);
    const quote = (await recommendThresholds(db!.connection, onlyQuotes(20, "accuracy"))).find((r) => r.rule === "quoteOpens")!;
    // The 20 later-period assignments it recolours were green and bought: all 20 become right.
    expect(quote).toMatchObject({current: 3, recommended: 2});
    expect(quote.grid.find((g) => g.threshold === 2)).toMatchObject({validate_fixed: 20, validate_broken: 0});
    expect(quote.why).toMatch(/; 20 colours made right, 0 wrong\)\.$/);
  });

  it("calls a gain significant only when fixed beat broken by a one-sided sign test at 5%", () => {
    expect(significantGain(45, 18)).toBe(true); // z = 27 / √63 = 3.4
    expect(significantGain(5, 0)).toBe(true); // z = √5 = 2.24
    expect(significantGain(47, 43)).toBe(false); // z = 0.42
    expect(significantGain(3, 0)).toBe(true); // z = √3 = 1.73
    expect(significantGain(2, 0)).toBe(false); // z = √2 = 1.41
    expect(significantGain(0, 0)).toBe(false);
    expect(significantGain(10, 12)).toBe(false);
  });

  it("says the evidence is too thin below minEvidence recoloured assignments per period", async () => {
    await featureHistory(() => true);
    const quote = (await recommendThresholds(db!.connection, onlyQuotes(21))).find((r) => r.rule === "quoteOpens")!;
    expect(quote.recommended).toBeNull();
    expect(quote.why).toBe(
      "Too thin: 2 would recolour only 20 assignments in the earlier period and 20 in the later one; at least 21 in each are needed.",
    );
  });

  it("chooses on the earlier weeks only and rejects a change the later weeks do not confirm (no peeking)", async () => {
    const early = (d: string) => d < "2024-01-15";
    const periods = async () => {
      const {choose, validate} = await judgedPeriods(db!.connection, onlyQuotes(20));
      return {choose, validate};
    };
    // Twice-openers buy in the earlier weeks only: 2 is chosen there, then fails validation.
    await featureHistory(early);
    expect(await periods()).toEqual({choose: ["2024-01-01", "2024-01-08"], validate: ["2024-01-15", "2024-01-22"]});
    const quote = (await recommendThresholds(db!.connection, onlyQuotes(20))).find((r) => r.rule === "quoteOpens")!;
    expect(quote.recommended).toBeNull();
    expect(quote.why).toMatch(/^2 was best on the earlier period \(100\.0%\) but did not beat the current threshold on the later period/);
    closeDatabase(db!);
    // Twice-openers buy in the later weeks only: the earlier weeks decide, so nothing changes,
    // although 2 would be best on the later weeks.
    await featureHistory((d) => !early(d));
    const later = (await recommendThresholds(db!.connection, onlyQuotes(20))).find((r) => r.rule === "quoteOpens")!;
    expect(later.recommended).toBeNull();
    expect(later.why).toMatch(/^The current threshold has the best balanced accuracy on the earlier period/);
    expect(later.grid.find((g) => g.threshold === 2)!.validate_accuracy).toBe(1);
  });

  it("says there is too little history when no week is old enough to judge", async () => {
    await featureHistory(() => true);
    const settings = parseSettings({colours: {rules: {quoteOpens: {horizonDays: 365}}}});
    const quote = (await recommendThresholds(db!.connection, settings)).find((r) => r.rule === "quoteOpens")!;
    expect(quote.recommended).toBeNull();
    expect(quote.why).toBe(
      "Too little history: need at least two as-of dates 365 days or more before 2024-03-31 (one to choose on, one to validate on); there are 0.",
    );
  });
});

describe("alerts", () => {
  it("warns when reds are above 15% and when the grey share rose by 20% or more", async () => {
    db = await openDatabase(":memory:");
    await run(db.connection, COLOUR_HISTORY_SCHEMA, "t");
    // Before: 1 grey of 10 (10%). Now: 2 red and 2 grey of 10 (20% each, grey +100%).
    const rows = [
      ...Array.from({length: 10}, (_, i) => `(DATE '2024-01-01', 'c${i}', '${i === 0 ? "grey" : "yellow"}')`),
      ...Array.from({length: 10}, (_, i) => `(DATE '2024-02-01', 'c${i}', '${i < 2 ? "red" : i < 4 ? "grey" : "yellow"}')`),
    ];
    await run(db.connection, `INSERT INTO colour_history (as_of, customer_id, colour, tag, rule, held_back)
      SELECT d, c, t, t, 'x', false FROM (VALUES ${rows.join(", ")}) v(d, c, t)`, "t");
    const alerts = await colourAlerts(db.connection, "2024-02-01", "2024-01-01", parseSettings({}));
    expect(alerts.map((a) => [a.kind, a.message])).toEqual([
      ["red share", "20.0% of customers are red, above the 15.0% limit."],
      ["grey rise", "Grey share rose from 10.0% to 20.0% since 2024-01-01 (+100.0%, limit +20.0%)."],
    ]);
    const calm = await colourAlerts(db.connection, "2024-02-01", "2024-01-01",
      parseSettings({colours: {alerts: {redShare: 0.2, greyRise: 1.5}}}));
    expect(calm).toEqual([]);
  });
});
