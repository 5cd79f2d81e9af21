import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it, vi} from "vitest";

// Command-line mistakes new users made: each must stop with a message naming the option, the
// value and what was expected, before any data is read or computed. A warehouse path that does
// not exist afterwards shows that nothing was ingested.
const scratch = mkdtempSync(join(tmpdir(), "tagbook-cli-args-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));
// Each command starts Node, tsx and DuckDB (about a second, more on a busy machine).
vi.setConfig({testTimeout: 30_000});

function tagbook(...args: string[]) {
  const result = spawnSync(process.execPath, ["bin/tagbook.js", ...args], {encoding: "utf8", env: {...process.env, TZ: "UTC"}});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** A warehouse path in the scratch folder that no command has created yet. */
function untouchedWarehouse(name: string): string {
  return join(scratch, `${name}.duckdb`);
}

/** A small drop into a scratch warehouse, so a command that wrongly goes ahead stays quick. */
function fixtureDrop(warehouse: string): string[] {
  return ["--drop", "test/fixtures/tiers/window", "--as-of", "2024-06-30", "--warehouse", warehouse];
}

describe("--as-of must be a calendar date YYYY-MM-DD", () => {
  it.each([
    ["2025/12/15", "expected a calendar date YYYY-MM-DD"],
    ["2025-13-45", "month 13"],
    ["2025-02-29", "2025-02 has 28 days"],
    ["yesterday", "expected a calendar date YYYY-MM-DD"],
  ])("tags --as-of %s stops naming the option and the value", (value, why) => {
    const warehouse = untouchedWarehouse(`as-of-${value.replaceAll("/", "-")}`);
    const {code, stdout, stderr} = tagbook("tags", "--drop", "test/fixtures/tiers/window", "--as-of", value, "--warehouse", warehouse);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`--as-of ${JSON.stringify(value)}`);
    expect(stderr).toContain(why);
    expect(stderr).toContain("YYYY-MM-DD");
    expect(stderr).not.toContain("SQL");
    expect(existsSync(warehouse)).toBe(false);
  });

  it("is checked by check and sample too", () => {
    const check = tagbook("check", "test/fixtures/drop-small", "--as-of", "2024-6-30");
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('--as-of "2024-6-30"');
    const out = join(scratch, "sample");
    const sample = tagbook("sample", "--out", out, "--as-of", "2024-04-31");
    expect(sample.code).toBe(1);
    expect(sample.stderr).toContain('--as-of "2024-04-31"');
    expect(existsSync(out)).toBe(false);
  });

  it("accepts a leap day", () => {
    const {code, stdout} = tagbook("check", "test/fixtures/drop-small", "--as-of", "2024-02-29");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^as of 2024-02-29\n/);
  });
});

describe("options that only mean something with --drop", () => {
  it("build refuses --as-of without --drop: the site always shows the newest drop", () => {
    const warehouse = untouchedWarehouse("build-as-of");
    const {code, stderr} = tagbook("build", "--as-of", "2026-10-31", "--warehouse", warehouse, "--no-site");
    expect(code).toBe(1);
    expect(stderr).toContain("--as-of 2026-10-31");
    expect(stderr).toContain("--drop");
    expect(existsSync(warehouse)).toBe(false);
  });

  it("--format without --drop is refused rather than ignored", () => {
    const warehouse = untouchedWarehouse("format-no-drop");
    const {code, stderr} = tagbook("tags", "--format", "olist", "--warehouse", warehouse);
    expect(code).toBe(1);
    expect(stderr).toContain('--format "olist"');
    expect(stderr).toContain("--drop");
    expect(existsSync(warehouse)).toBe(false);
  });
});

describe("--out is checked before anything is computed", () => {
  it.each([
    ["export", "new-buyers"],
    ["tags"],
    ["windows"],
    ["rules"],
    ["colours"],
    ["tiers"],
  ])("%s --out x.xlsx", (...command) => {
    const warehouse = untouchedWarehouse(`out-${command[0]}`);
    const {code, stderr} = tagbook(...command, "--out", join(scratch, "x.xlsx"), ...fixtureDrop(warehouse));
    expect(code).toBe(1);
    expect(stderr).toContain('".xlsx"');
    expect(stderr).toContain(".csv");
    expect(existsSync(warehouse)).toBe(false);
  });
});

describe("tagbook export SEGMENT", () => {
  it("stops on an unknown segment, naming it and listing the catalogue, and writes no file", () => {
    const warehouse = untouchedWarehouse("export-nope");
    const out = join(scratch, "n.csv");
    const {code, stderr} = tagbook("export", "nope", "--out", out, ...fixtureDrop(warehouse));
    expect(code).toBe(1);
    expect(stderr).toContain('"nope"');
    expect(stderr).toContain("high-tier-scarcity");
    expect(stderr).toContain("dormant-win-back");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(warehouse)).toBe(false);
  });
});

describe("tagbook rules --min-baskets", () => {
  it.each(["0", "2.5", "five", "-1"])("rejects %s", (value) => {
    const warehouse = untouchedWarehouse(`min-baskets-${value}`);
    const {code, stderr} = tagbook("rules", "--min-baskets", value, ...fixtureDrop(warehouse));
    expect(code).toBe(1);
    expect(stderr).toContain(`--min-baskets must be a whole number of at least 1, got ${JSON.stringify(value)}`);
    expect(existsSync(warehouse)).toBe(false);
  });
});

describe("a drop that is not a drop folder, without --format", () => {
  const formats = ["online-retail", "olist", "whatsapp-webhooks", "whatsapp-chat"];

  it("check names the formats and gives an example", () => {
    const file = "test/fixtures/adapters/online-retail/small.csv";
    const {code, stderr} = tagbook("check", file);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file} is a file, not a drop folder`);
    for (const format of formats) expect(stderr).toContain(format);
    expect(stderr).toContain(`tagbook check ${file} --format online-retail`);
  });

  it("build --drop names the formats and gives an example, before touching the warehouse", () => {
    const folder = "test/fixtures/adapters/olist";
    const warehouse = untouchedWarehouse("olist-no-format");
    const {code, stderr} = tagbook("build", "--drop", folder, "--warehouse", warehouse, "--no-site");
    expect(code).toBe(1);
    expect(stderr).toContain(`--drop ${folder} has no drop table files`);
    for (const format of formats) expect(stderr).toContain(format);
    expect(stderr).toContain(`tagbook build --drop ${folder} --format olist`);
    expect(existsSync(warehouse)).toBe(false);
  });

  it("points at the dated drop folders inside a shop folder", () => {
    const shop = join(scratch, "shop");
    mkdirSync(join(shop, "2024-05-31"), {recursive: true});
    mkdirSync(join(shop, "2024-06-30"), {recursive: true});
    writeFileSync(join(shop, "notes.txt"), "not a drop\n");
    const {code, stderr} = tagbook("check", shop);
    expect(code).toBe(1);
    expect(stderr).toContain("holds drop folders 2024-05-31, 2024-06-30");
  });
});

describe("CSV on stdout", () => {
  // The byte-order mark is for files opened in Excel; a pipe (tagbook tags | head) should get plain
  // UTF-8; files keep it (test/export.test.ts).
  it("has no byte-order mark", () => {
    const {code, stdout} = tagbook("tags", "--warehouse", join(scratch, "stdout.duckdb"), "--drop", "test/fixtures/drop-small");
    expect(code).toBe(0);
    expect(stdout.startsWith("customer_id,")).toBe(true);
  });
});
