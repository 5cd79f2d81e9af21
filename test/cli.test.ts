import {spawnSync} from "node:child_process";
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";

// The commands as a user runs them: through bin/tagbook.js, with data on stdout or in --out and
// everything else on stderr.
const scratch = mkdtempSync(join(tmpdir(), "tagbook-cli-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function tagbook(...args: string[]) {
  const result = spawnSync(process.execPath, ["bin/tagbook.js", ...args], {encoding: "utf8", env: {...process.env, TZ: "UTC"}});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe("tagbook check", {timeout: 60_000}, () => {
  it("prints rows read and rejected per file and reason, and exits 0 when every file is usable", () => {
    const {code, stdout} = tagbook("check", "test/fixtures/drop-small");
    expect(code).toBe(0);
    expect(stdout).toContain("file\ttable\trows read\trejected\ncustomers.csv\tcustomers\t2\t0\norders.csv\torders\t7\t2\n");
    expect(stdout).toContain("  orders.csv\tamount\t1\tnot an amount with decimal separator \".\"");
  });

  it("exits 1 naming the file and the column when a required column is missing", () => {
    const dir = mkdtempSync(join(scratch, "drop-"));
    writeFileSync(join(dir, "orders.csv"), "order_id,customer_id,amount,currency\no1,c1,5,GBP\n");
    const {code, stderr} = tagbook("check", dir);
    expect(code).toBe(1);
    expect(stderr).toContain('orders.csv has no column "ordered_at", which the orders table requires');
  });

  it("exits 1 when a file has no usable row", () => {
    const dir = mkdtempSync(join(scratch, "drop-"));
    writeFileSync(join(dir, "orders.csv"), "order_id,customer_id,ordered_at,amount,currency\no1,c1,someday,5,GBP\n");
    const {code, stdout, stderr} = tagbook("check", dir, "--as-of", "2024-06-30");
    expect(code).toBe(1);
    expect(stdout).toContain("orders.csv\torders\t1\t1");
    expect(stderr).toContain("check: 1 file(s) had no usable row");
  });
});

describe("tagbook tiers and windows", {timeout: 60_000}, () => {
  const warehouse = join(scratch, "w.duckdb");
  const settings = join(scratch, "settings.json");
  writeFileSync(settings, JSON.stringify({tiers: {fixedBounds: [50, 150]}}));

  it("writes the breakpoints and each customer's spend and tier as JSON", () => {
    const out = join(scratch, "tiers.json");
    const {code} = tagbook("tiers", "--drop", "test/fixtures/tiers/window", "--as-of", "2024-06-30", "--warehouse", warehouse,
      "--settings", settings, "--method", "fixed", "--out", out);
    expect(code).toBe(0);
    const tiers = JSON.parse(readFileSync(out, "utf8"));
    expect(tiers).toMatchObject({asOf: "2024-06-30", method: "fixed", currency: "GBP"});
    expect(tiers.breakpoints.map((b: {tier: string; lower_bound: number; customers: number}) => [b.tier, b.lower_bound, b.customers]))
      .toEqual([["low", 45, 1], ["mid", 50, 1], ["high", 150, 2]]);
    expect(tiers.customers.map((c: {customer_id: string; spend_12m: number; tier: string}) => [c.customer_id, c.spend_12m, c.tier]))
      .toEqual([["d", 300, "high"], ["b", 200, "high"], ["c", 130, "mid"], ["a", 45, "low"]]);
  });

  it("writes heatmap cells and windows as one CSV table", () => {
    const out = join(scratch, "windows.csv");
    const {code} = tagbook("windows", "--warehouse", warehouse, "--settings", settings, "--out", out);
    expect(code).toBe(0);
    const [header] = readFileSync(out, "utf8").replace(/^\uFEFF/, "").split("\n");
    // customer_messages counts messages by the hour they arrived; replied and reply_rate are of our
    // messages sent in that hour (two readings that one "replies" column used to mix).
    expect(header).toBe("row_kind,region,day_type,weekday,hour,window_kind,window_start,window_end,events,reads," +
      "customer_messages,sent,replied,reply_rate,ci_low,ci_high,stopped,metric,metric_rate,source,note");
  });
});

describe("--as-of without --drop reports on an earlier drop the warehouse holds", {timeout: 60_000}, () => {
  // One shop, two monthly drops side by side: May's holds the orders up to May, June's everything.
  const shop = join(scratch, "shop");
  const warehouse = join(scratch, "history.duckdb");
  const may = join(shop, "2024-05-31");
  const june = join(shop, "2024-06-30");
  mkdirSync(may, {recursive: true});
  cpSync("test/fixtures/tiers/window", june, {recursive: true});
  cpSync("test/fixtures/tiers/window/customers.csv", join(may, "customers.csv"));
  const orders = readFileSync("test/fixtures/tiers/window/orders.csv", "utf8").split("\n");
  writeFileSync(join(may, "orders.csv"), orders.filter((line) => !line.includes(",2024-06-")).join("\n"));
  const at = (...args: string[]) => tagbook(...args, "--warehouse", warehouse);

  it("ingests both drops", () => {
    expect(at("build", "--drop", may, "--no-site").code).toBe(0);
    expect(at("build", "--drop", june, "--no-site").code).toBe(0);
  });

  it("tags: the May snapshot, not June's", () => {
    const newest = at("tags");
    const earlier = at("tags", "--as-of", "2024-05-31");
    expect(earlier.code).toBe(0);
    expect(earlier.stderr).toContain("tag rows as of 2024-05-31");
    expect(newest.stderr).toContain("tag rows as of 2024-06-30");
    const since = (csv: string) => new Set(csv.trim().split("\n").slice(1).map((line) => line.split(",").at(-1)));
    expect(since(earlier.stdout)).toEqual(new Set(["2024-05-31"]));
    expect(earlier.stdout).not.toEqual(newest.stdout);
  });

  it("tiers, segments, export, windows and colours report as of the May drop", () => {
    const out = join(scratch, "tiers-may.json");
    expect(at("tiers", "--as-of", "2024-05-31", "--out", out).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).asOf).toBe("2024-05-31");
    const segments = at("segments", "--json", "--as-of", "2024-05-31");
    expect(segments.code).toBe(0);
    expect(JSON.parse(segments.stdout).asOf).toBe("2024-05-31");
    const list = at("export", "high-tier-scarcity", "--as-of", "2024-05-31", "--out", join(scratch, "high-may.csv"));
    expect(list.code).toBe(0);
    expect(list.stderr).toContain("rows of high-tier-scarcity as of 2024-05-31");
    const windows = at("windows", "--as-of", "2024-05-31");
    expect(windows.code).toBe(0);
    expect(windows.stderr).toContain("rows as of 2024-05-31");
    const colours = at("colours", "--as-of", "2024-05-31");
    expect(colours.code).toBe(0);
    const dates = new Set(colours.stdout.trim().split("\n").slice(1).map((line) => line.split(",")[0]));
    expect(dates).toEqual(new Set(["2024-05-31"]));
  });

  it("stops on a date the warehouse holds no drop of, listing the dates it holds", () => {
    const {code, stdout, stderr} = at("tags", "--as-of", "2024-04-30");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("--as-of 2024-04-30");
    expect(stderr).toContain("holds drops as of 2024-05-31, 2024-06-30");
  });

  it("colours --accuracy refuses an earlier date: it judges the whole history to the newest drop", () => {
    const {code, stderr} = at("colours", "--accuracy", "--as-of", "2024-05-31");
    expect(code).toBe(1);
    expect(stderr).toContain("--accuracy judges the whole colour history up to the newest drop (2024-06-30)");
  });

  it("keeps the colour history running to the newest drop when the older drop is ingested again", () => {
    expect(at("tags", "--drop", may).code).toBe(0);
    const colours = at("colours");
    expect(colours.code).toBe(0);
    const dates = new Set(colours.stdout.trim().split("\n").slice(1).map((line) => line.split(",")[0]));
    expect([...dates]).toEqual(["2024-06-30"]);
  });
});

describe("tagbook rules explains an empty result", {timeout: 60_000}, () => {
  // Ten baskets: A in eight, B with A in three, C alone in two; no category column.
  const drop = join(scratch, "baskets", "2024-06-30");
  const warehouse = join(scratch, "baskets.duckdb");
  mkdirSync(drop, {recursive: true});
  const ids = Array.from({length: 10}, (_, i) => i + 1);
  writeFileSync(join(drop, "customers.csv"), `customer_id,phone\n${ids.map((i) => `c${i},+4474001000${String(i).padStart(2, "0")}`).join("\n")}\n`);
  writeFileSync(join(drop, "orders.csv"), "order_id,customer_id,ordered_at,amount,currency,status\n" +
    ids.map((i) => `o${i},c${i},2024-06-${String(i + 10)}T10:00:00Z,10.00,GBP,paid`).join("\n") + "\n");
  const items = ids.flatMap((i) => (i <= 3 ? [`o${i},A,Apples`, `o${i},B,Bread`] : i <= 8 ? [`o${i},A,Apples`] : [`o${i},C,Cheese`]));
  writeFileSync(join(drop, "order_items.csv"), `order_id,sku,product\n${items.join("\n")}\n`);

  it("says when products.minCount dominates --min-support, and --min-baskets overrides it", () => {
    const low = tagbook("rules", "--drop", drop, "--warehouse", warehouse, "--min-support", "0.001");
    expect(low.code).toBe(0);
    expect(low.stderr).toContain("min support 0.001 (--min-support) of 10 baskets is 0.01 baskets; products.minCount = 5 applies");
    expect(low.stdout.trim().split("\n")).toHaveLength(1);
    const two = tagbook("rules", "--warehouse", warehouse, "--min-support", "0.001", "--min-baskets", "2");
    expect(two.code).toBe(0);
    expect(two.stderr).toContain("--min-baskets = 2 applies: an itemset needs 2 baskets");
    expect(two.stdout).toContain("Apples,Bread,A,B,2,0.3,0.375");
  });

  it("says why category-level rules are empty when no order line has a category", () => {
    const {code, stderr} = tagbook("rules", "--warehouse", warehouse, "--level", "category");
    expect(code).toBe(0);
    expect(stderr).toContain("no order line has a category (0 of 13); category-level rules need the order_items.category column");
  });
});
