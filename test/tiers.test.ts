import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ckmeans} from "simple-statistics";
import {afterAll, describe, expect, it} from "vitest";
import {nudgesSql, promisingSql, spend as spendReport} from "../loaders/spend.js";
import {openDatabase, queryRows, type Row} from "../lib/duckdb.js";
import {dropAdapter, ingest} from "../lib/ingest.js";
import {parseSettings, type Settings} from "../lib/settings/index.js";
import {computeTags} from "../lib/tags/index.js";
import {
  chooseK,
  ckmeansAll,
  histogram,
  ruleBreaks,
  tierIndex,
  tierNames,
  weigh,
  type Bin,
} from "../lib/tiers/breaks.js";
import {closeDatabase, tagsOf, warehouseFor} from "./helpers/warehouse.js";

const scratch = mkdtempSync(join(tmpdir(), "tagbook-tiers-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/** A drop folder with the given CSV files. */
function drop(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(scratch, "drop-"));
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
  return dir;
}

/** The spend page's data and the nudge and promising download rows, as the site would make them. */
async function loaders(connection: Parameters<typeof queryRows>[0], asOf: string, settings: Settings) {
  const spend = await spendReport({connection, asOf, previousAsOf: null, dropId: "", settings, log: () => undefined});
  const nudges = await queryRows<Row>(connection, nudgesSql(asOf, settings), "t");
  const promising = await queryRows<Row>(connection, promisingSql(asOf, settings), "t");
  return {spend, nudges, promising};
}

/** A drop of customers c1…cn, each with one paid order of the given amount. */
function spendDrop(amounts: number[], currency: (i: number) => string = () => "GBP"): string {
  return drop({
    "customers.csv": ["customer_id,phone", ...amounts.map((_, i) => `c${i + 1},+4474001000${String(i + 1).padStart(2, "0")}`)],
    "orders.csv": [
      "order_id,customer_id,ordered_at,amount,currency,status",
      ...amounts.map((a, i) => `o${i + 1},c${i + 1},2024-03-01T12:00:00Z,${a},${currency(i)},paid`),
    ],
  });
}

describe("TC-03: customers with equal spend always share a tier", () => {
  it("A: 5 tiers of 10, 20, 20, 20, 30, 40, 60, 990 are the unique optimum with error 50", () => {
    const values = [10, 20, 20, 20, 30, 40, 60, 990];
    const all = ckmeansAll(weigh(values), 5);
    const five = all[4]!;
    expect(five.bounds).toEqual([10, 20, 30, 60, 990]);
    expect(five.sse).toBeCloseTo(50, 9);
    const tiers = values.map((v) => tierIndex(v, five.bounds.slice(1)) + 1);
    expect(tiers).toEqual([1, 2, 2, 2, 3, 3, 4, 5]);
    // The next best 5-tier partitions ({10,20,20,20} or {20,20,20,30} together) score 75.
    expect(all[3]!.sse).toBeCloseTo(125, 9);
  });

  it("B: 10, 10, 10, 20, 20 asked for 4 tiers give 2 tiers, where simple-statistics splits the 10s", () => {
    const values = [10, 10, 10, 20, 20];
    expect(ckmeans(values, 4)).toEqual([[10, 10], [10], [20], [20]]);
    const all = ckmeansAll(weigh(values), 4);
    expect(all.map((p) => p.k)).toEqual([1, 2]);
    expect(all[1]!.bounds).toEqual([10, 20]);
    expect(values.map((v) => tierIndex(v, [20]))).toEqual([0, 0, 0, 1, 1]);
  });

  it("tags A and B through the warehouse with ckmeans on linear spend", async () => {
    const asked = (tiers: number) =>
      parseSettings({tiers: {method: "ckmeans", ckmeans: {tiers, scale: "linear"}}});
    const a = await warehouseFor(spendDrop([10, 20, 20, 20, 30, 40, 60, 990]), "2024-03-31", asked(5));
    expect(await tagsOf(a, "spend tier")).toEqual({
      c1: "tier 1", c2: "tier 2", c3: "tier 2", c4: "tier 2", c5: "tier 3", c6: "tier 3", c7: "tier 4", c8: "high",
    });
    const bounds = await queryRows(a.connection,
      "SELECT CAST(lower_bound AS DOUBLE) AS b FROM tier_breakpoints WHERE method = 'ckmeans' ORDER BY tier_index", "t");
    expect(bounds.map((r) => r.b)).toEqual([10, 20, 30, 60, 990]);
    closeDatabase(a);

    const b = await warehouseFor(spendDrop([10, 10, 10, 20, 20]), "2024-03-31", asked(4));
    expect(await tagsOf(b, "spend tier")).toEqual({c1: "low", c2: "low", c3: "low", c4: "high", c5: "high"});
    const [reason] = await queryRows(b.connection, "SELECT reason FROM tag_snapshots WHERE customer_id = 'c4' AND family = 'spend tier'", "t");
    expect(reason!.reason).toBe(
      "12-month net spend 20.00 GBP ≥ high bound 20.00 (ckmeans on linear spend: 2 tiers, GVF 1.00 (4 tiers asked, 2 distinct enough))",
    );
    closeDatabase(b);
  });

  it("matches simple-statistics' error on distinct values, where splitting cannot happen", () => {
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 1000;
    for (let round = 0; round < 20; round += 1) {
      const values = [...new Set(Array.from({length: 40}, () => Math.round(next() * 100) / 100))];
      const sse = (clusters: number[][]) =>
        clusters.reduce((sum, c) => {
          const mean = c.reduce((s, x) => s + x, 0) / c.length;
          return sum + c.reduce((s, x) => s + (x - mean) ** 2, 0);
        }, 0);
      const ours = ckmeansAll(weigh(values), 5);
      expect(ours[4]!.sse).toBeCloseTo(sse(ckmeans(values, 5)), 6);
    }
  });
});

describe("chooseK(partitions, target) and tierNames(k)", () => {
  it("takes the smallest k ≥ 2 whose goodness of variance fit reaches the target", () => {
    const {fits, k} = chooseK(ckmeansAll(weigh([1, 2, 3, 10, 11, 12, 100]), 4), 0.8);
    expect(fits[0]!.gvf).toBe(0);
    expect(fits[1]!.gvf).toBeGreaterThan(0.8); // 100 alone against the rest
    expect(k).toBe(2);
    expect(chooseK(ckmeansAll(weigh([5, 5, 5]), 4), 0.8)).toEqual({fits: [{k: 1, sse: 0, gvf: 1}], k: 1});
  });

  it("names the top tier high whatever the count", () => {
    expect(tierNames(2)).toEqual(["low", "high"]);
    expect(tierNames(3)).toEqual(["low", "mid", "high"]);
    expect(tierNames(5)).toEqual(["tier 1", "tier 2", "tier 3", "tier 4", "high"]);
  });
});

describe("the 20%-drop rule on a hand-made histogram", () => {
  // Bins of 10: counts 10, 40, 50, 45, 20, 18, 5, 4 (187 customers). Falls of ≥ 20%: 45 → 20
  // (55.6%, boundary 40), 18 → 5 (72.2%, boundary 60) and 5 → 4 (exactly 20%, boundary 70).
  const counts = [10, 40, 50, 45, 20, 18, 5, 4];
  const bins: Bin[] = counts.map((customers, i) => ({lo: i * 10, hi: i * 10 + 10, customers}));
  const rule = {minFall: 0.2, minTierShare: 0.1, maxTiers: 3, minBinCustomers: 5};

  it("drops the sharpest fall when it would leave a tier under 10% (9 of 187 above 60)", () => {
    expect(ruleBreaks(bins, rule).map((b) => b.bound)).toEqual([40]);
  });

  it("keeps 60 then 40 with a 4% minimum, stopping at 3 tiers", () => {
    const kept = ruleBreaks(bins, {...rule, minTierShare: 0.04});
    expect(kept.map((b) => b.bound)).toEqual([40, 60]);
    expect(kept.map((b) => Math.round(b.fall * 1000) / 1000)).toEqual([0.556, 0.722]);
  });

  it("counts a fall of exactly 20% (5 → 4) and ignores falls out of bins under minBinCustomers", () => {
    expect(ruleBreaks(bins, {...rule, minTierShare: 0.01, maxTiers: 4}).map((b) => b.bound)).toEqual([40, 60, 70]);
    expect(ruleBreaks(bins, {...rule, minTierShare: 0.01, maxTiers: 4, minBinCustomers: 6}).map((b) => b.bound)).toEqual([40, 60]);
    expect(ruleBreaks(bins, {...rule, minFall: 0.6}).map((b) => b.bound)).toEqual([]);
  });

  it("bins spend linearly or on 2-digit log edges, empty bins included", () => {
    expect(histogram(weigh([5, 12, 12, 38]), {scale: "linear", width: 10, perDecade: 10})).toEqual([
      {lo: 0, hi: 10, customers: 1}, {lo: 10, hi: 20, customers: 2}, {lo: 20, hi: 30, customers: 0},
      {lo: 30, hi: 40, customers: 1},
    ]);
    const log = histogram(weigh([1, 1.25, 1.3, 9.99, 10]), {scale: "log", perDecade: 10, width: 1});
    expect(log.map((b) => b.lo)).toEqual([1, 1.3, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 7.9, 10]);
    expect(log.map((b) => b.customers)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });
});

describe("12-month net spend, fixed tiers, nudges and movement on hand-made drops", () => {
  const settings = parseSettings({tiers: {method: "fixed", fixedBounds: [50, 150]}});

  it("counts local days in (as-of − 12 months, as-of], nets refunds, skips cancelled", async () => {
    const db = await warehouseFor("test/fixtures/tiers/window", "2024-06-30", settings);
    const spend = await queryRows(db.connection,
      `SELECT customer_id, CAST(spend_12m AS DOUBLE) AS spend, tier, downgrade FROM tier_assignments
       WHERE method = 'fixed' ORDER BY customer_id`, "t");
    // a: 13:00 on 2023-06-30 is outside, 00:30 BST on 2023-07-01 inside, less a 5.00 refund.
    // b: the 500.00 order was cancelled; 00:30 BST on 2024-07-01 is after the as-of date.
    expect(spend).toEqual([
      {customer_id: "a", spend: 45, tier: "low", downgrade: false},
      {customer_id: "b", spend: 200, tier: "high", downgrade: false},
      {customer_id: "c", spend: 130, tier: "mid", downgrade: false},
      {customer_id: "d", spend: 300, tier: "high", downgrade: true},
    ]);
    const reasons = await queryRows(db.connection,
      "SELECT customer_id, reason FROM tag_snapshots WHERE family = 'spend tier' ORDER BY 1", "t");
    expect(reasons.map((r) => r.reason)).toEqual([
      "12-month net spend 45.00 GBP < mid bound 50.00 (fixed bounds 50, 150 from settings)",
      "12-month net spend 200.00 GBP ≥ high bound 150.00 (fixed bounds 50, 150 from settings)",
      "12-month net spend 130.00 GBP in mid (50.00 to under 150.00) (fixed bounds 50, 150 from settings)",
      "12-month net spend 300.00 GBP ≥ high bound 150.00 (fixed bounds 50, 150 from settings); no purchase since 2024-02-01: flagged for downgrade",
    ]);
    // The trigger family repeats the tiers' flag, with its reason.
    const triggers = await queryRows(db.connection,
      "SELECT customer_id, tag, reason FROM tag_snapshots WHERE family = 'trigger' AND tag = 'downgrade'", "t");
    expect(triggers).toEqual([{customer_id: "d", tag: "downgrade", reason: "top tier (high) with no purchase since 2024-02-01, over 3 months"}]);
    closeDatabase(db);
  });

  it("tags order value by the spend tiers when tags.orderValue.mode is \"tiers\"", async () => {
    const byTiers = parseSettings({tiers: {method: "fixed", fixedBounds: [50, 150]}, tags: {orderValue: {mode: "tiers"}}});
    const db = await warehouseFor("test/fixtures/tiers/window", "2024-06-30", byTiers);
    expect(await tagsOf(db, "order value")).toEqual({a: "low spender", b: "high spender", c: "mid spender", d: "high spender"});
    const [reason] = await queryRows(db.connection,
      "SELECT reason FROM tag_snapshots WHERE family = 'order value' AND customer_id = 'c'", "t");
    expect(reason!.reason).toBe("12-month net spend 130.00 GBP is in the mid spend tier (from 50.00 GBP; tiers by fixed)");
    closeDatabase(db);
  });

  it("builds the migration matrix, nudge amounts and promising list across two drops", async () => {
    const db = await openDatabase(":memory:");
    for (const asOf of ["2024-03-31", "2024-06-30"]) {
      await ingest(db.connection, dropAdapter, "test/fixtures/tiers/window", settings, asOf);
      await computeTags(db.connection, asOf, settings);
    }
    const {spend, nudges, promising} = await loaders(db.connection, "2024-06-30", settings);
    expect(spend.previousAsOf).toBe("2024-03-31");
    // a: 1,050.00 (high) → 45.00 (low); b: nothing → 200.00 (high); c mid and d high both times.
    expect(spend.migration.map((m) => [m.from_tier, m.to_tier, m.customers])).toEqual([
      ["not tiered", "high", 1], ["mid", "mid", 1], ["high", "low", 1], ["high", "high", 1],
    ]);
    expect(spend.movement).toEqual({both: 3, moved: 1, entered: 1, left: 0});
    expect(nudges.map((n) => [n.customer, n.to_spend, n.nudge])).toEqual([
      ["a", 5, "spend 5.00 more to reach mid"],
      ["c", 20, "spend 20.00 more to reach high"],
    ]);
    expect(promising.map((p) => [p.customer, p.reads_last_month])).toEqual([["a", 5]]);
    const top = spend.tiers.at(-1)!;
    expect([top.tier, top.customers, top.revenue, top.revenue_share]).toEqual(["high", 2, 500, 500 / 675]);
    closeDatabase(db);
  });
});

describe("tag history across two drops", () => {
  it("records who entered and left each tag, keeps a kept tag's since, and recomputes identically", async () => {
    const settings = parseSettings({tiers: {method: "fixed", fixedBounds: [50, 150]}});
    const db = await openDatabase(":memory:");
    for (const asOf of ["2024-03-31", "2024-06-30"]) {
      await ingest(db.connection, dropAdapter, "test/fixtures/tiers/window", settings, asOf);
      await computeTags(db.connection, asOf, settings);
    }
    const changes = () => queryRows(db.connection,
      `SELECT strftime(previous_as_of, '%Y-%m-%d') AS prev, customer_id, tag, change FROM tag_changes
       WHERE family = 'spend tier' AND as_of = DATE '2024-06-30' ORDER BY customer_id, change`, "t");
    // a: high → low; b: first tiered in June (high); c (mid) and d (high) kept their tiers.
    expect(await changes()).toEqual([
      {prev: "2024-03-31", customer_id: "a", tag: "low", change: "entered"},
      {prev: "2024-03-31", customer_id: "a", tag: "high", change: "left"},
      {prev: "2024-03-31", customer_id: "b", tag: "high", change: "entered"},
    ]);
    const since = () => queryRows(db.connection,
      `SELECT customer_id, tag, strftime(since, '%Y-%m-%d') AS since FROM tag_snapshots
       WHERE family = 'spend tier' AND as_of = DATE '2024-06-30' ORDER BY customer_id`, "t");
    expect(await since()).toEqual([
      {customer_id: "a", tag: "low", since: "2024-06-30"},
      {customer_id: "b", tag: "high", since: "2024-06-30"},
      {customer_id: "c", tag: "mid", since: "2024-03-31"},
      {customer_id: "d", tag: "high", since: "2024-03-31"},
    ]);
    // Recomputing the same drop replaces its snapshot and changes with identical rows.
    const snapshot = () => queryRows(db.connection,
      "SELECT * FROM tag_snapshots WHERE as_of = DATE '2024-06-30' ORDER BY customer_id, family, tag", "t");
    const before = {snapshot: await snapshot(), changes: await changes(), since: await since()};
    await computeTags(db.connection, "2024-06-30", settings);
    expect({snapshot: await snapshot(), changes: await changes(), since: await since()}).toEqual(before);
    closeDatabase(db);
  });
});

describe("mixed currencies", () => {
  it("stops with the currencies named when a rate is missing, and converts with rates", async () => {
    const amounts = [10, 20, 30, 40];
    const dir = spendDrop(amounts, (i) => (i % 2 ? "AED" : "GBP"));
    const noRates = await warehouseFor(dir, "2024-06-30", parseSettings({tiers: {method: "fixed", fixedBounds: [15]}}));
    const [run] = await queryRows(noRates.connection, "SELECT problem FROM tier_runs", "t");
    expect(run!.problem).toBe(
      "orders in the 12 months to 2024-06-30 are in 2 currencies (AED, GBP) and settings.money.rates has no rate to USD for AED, GBP; add them, e.g. {\"money\": {\"rates\": {\"AED\": 0.27}}}",
    );
    expect(await tagsOf(noRates, "spend tier")).toEqual({});
    closeDatabase(noRates);

    const rated = parseSettings({money: {reportingCurrency: "GBP", rates: {AED: 0.25}}, tiers: {method: "fixed", fixedBounds: [15]}});
    const db = await warehouseFor(dir, "2024-06-30", rated);
    const rows = await queryRows(db.connection,
      "SELECT customer_id, currency, CAST(spend_12m AS DOUBLE) AS s, tier FROM tier_assignments WHERE method = 'fixed' ORDER BY 1", "t");
    expect(rows).toEqual([
      {customer_id: "c1", currency: "GBP", s: 10, tier: "low"},
      {customer_id: "c2", currency: "GBP", s: 5, tier: "low"},
      {customer_id: "c3", currency: "GBP", s: 30, tier: "high"},
      {customer_id: "c4", currency: "GBP", s: 10, tier: "low"},
    ]);
    closeDatabase(db);
  });
});
