import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {closeDatabase, openDatabase, queryRows} from "../lib/duckdb.js";
import {refreshWarehouse, retagIfSettingsChanged} from "../lib/pipeline.js";
import {parseSettings, type Settings} from "../lib/settings/index.js";

const scratch = mkdtempSync(join(tmpdir(), "tagbook-pipeline-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));
const quiet = () => {};

async function lifecycle(warehouse: string): Promise<Record<string, string>> {
  const db = await openDatabase(warehouse, true);
  try {
    const rows = await queryRows<{customer_id: string; tag: string}>(db.connection,
      "SELECT customer_id, tag FROM tag_snapshots WHERE family = 'lifecycle' ORDER BY 1", "t");
    return Object.fromEntries(rows.map((r) => [r.customer_id, r.tag]));
  } finally {
    closeDatabase(db);
  }
}

describe("a rebuild after a settings change", () => {
  it("re-tags the warehouse under the new settings, and only when they changed", async () => {
    const warehouse = join(scratch, "w.duckdb");
    const dormantAfter = (days: number): Settings => parseSettings({tags: {lifecycle: {dormantDays: days}}});
    await refreshWarehouse({drop: "test/fixtures/drop-small", format: "drop", warehouse, settings: dormantAfter(30),
      asOf: "2024-01-25", log: quiet});
    // c1 last bought on 20 January (5 days before); c2 twice on 7 January in Dubai (one purchase
    // day, 18 days before).
    expect(await lifecycle(warehouse)).toEqual({c1: "returning", c2: "new"});
    expect(await retagIfSettingsChanged(warehouse, dormantAfter(30), quiet)).toBe(false);

    expect(await retagIfSettingsChanged(warehouse, dormantAfter(10), quiet)).toBe(true);
    expect(await lifecycle(warehouse)).toEqual({c1: "returning", c2: "dormant"});
    expect(await retagIfSettingsChanged(warehouse, dormantAfter(10), quiet)).toBe(false);
  }, 60_000);
});

describe("one warehouse, one shop", () => {
  async function customerCount(warehouse: string): Promise<number> {
    const db = await openDatabase(warehouse, true);
    try {
      return Number((await queryRows<{n: number}>(db.connection, "SELECT count(*) AS n FROM customers", "t"))[0]!.n);
    } finally {
      closeDatabase(db);
    }
  }

  it("treats two export files side by side as two sources, so each builds on its own", async () => {
    const folder = join(scratch, "exports");
    mkdirSync(folder, {recursive: true});
    copyFileSync("test/fixtures/adapters/online-retail/small.csv", join(folder, "year-1.csv"));
    // Year 2: one invoice of a customer year 1 does not have.
    writeFileSync(join(folder, "year-2.csv"), ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
      "600001,22633,HAND WARMER UNION JACK,6,2011-12-01 09:00:00,1.85,99999.0,France"].join("\n"));
    const warehouse = join(scratch, "retail.duckdb");
    const settings = parseSettings({});
    const build = (file: string) =>
      refreshWarehouse({drop: join(folder, file), format: "online-retail", warehouse, settings, log: quiet});
    await build("year-1.csv");
    const first = await customerCount(warehouse);
    await build("year-2.csv");
    const second = await customerCount(warehouse);
    await build("year-1.csv");
    // Building year 1 again after year 2 gives year 1 alone, not the two mixed.
    expect(await customerCount(warehouse)).toBe(first);
    expect(second).toBe(1);
  }, 60_000);

  it("keeps dated drops of one shop together, and undated export folders apart", async () => {
    const shop = join(scratch, "shop");
    for (const d of ["2024-01-25", "2024-02-25"]) {
      mkdirSync(join(shop, d), {recursive: true});
      copyFileSync("test/fixtures/drop-small/customers.csv", join(shop, d, "customers.csv"));
    }
    writeFileSync(join(shop, "2024-02-25", "customers.csv"), "customer_id,phone\nc9,+447400123999\n");
    const warehouse = join(scratch, "shop.duckdb");
    const settings = parseSettings({});
    const build = (dir: string) => refreshWarehouse({drop: dir, format: "drop", warehouse, settings, log: quiet,
      asOf: dir.endsWith("other-export") ? "2024-03-01" : undefined});
    await build(join(shop, "2024-01-25"));
    await build(join(shop, "2024-02-25"));
    // The second month adds c9 to c1 and c2.
    expect(await customerCount(warehouse)).toBe(3);
    // An undated sibling folder is another export: a fresh warehouse, not a fourth customer.
    mkdirSync(join(shop, "other-export"), {recursive: true});
    writeFileSync(join(shop, "other-export", "customers.csv"), "customer_id,phone\nz1,+447400123111\n");
    await build(join(shop, "other-export"));
    expect(await customerCount(warehouse)).toBe(1);
  }, 60_000);
});
