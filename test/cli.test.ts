import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
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

describe("tagbook check", () => {
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

describe("tagbook tiers and windows", () => {
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
    expect(header).toBe("row_kind,region,day_type,weekday,hour,window_kind,window_start,window_end,events,reads,replies,sent," +
      "reply_rate,ci_low,ci_high,stopped,metric,metric_rate,source");
  });
});
