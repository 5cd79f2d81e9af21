import {mkdtempSync, rmSync} from "node:fs";
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
  });
});
