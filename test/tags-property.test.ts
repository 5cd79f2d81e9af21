import {execFileSync} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import fc from "fast-check";
import {afterAll, describe, expect, it, vi} from "vitest";
import {closeDatabase, openDatabase, queryRows} from "../lib/duckdb.js";
import {dropAdapter, ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";
import {computeTags} from "../lib/tags/index.js";

const scratch = mkdtempSync(join(tmpdir(), "tagbook-prop-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

const PHONES = ["+6581234567", "+573211234567", "+4915123456789", "+12125551234", "+971501234567", "+5511987654321"];
const AS_OF = "2024-03-31";
const START = Date.parse("2023-01-01T00:00:00Z");
const SPAN = Date.parse("2024-03-31T23:59:59Z") - START;

/** Random orders and messages for six customers in six zones, written as a drop folder. */
const dropArbitrary = fc.record({
  orders: fc.array(fc.record({c: fc.nat(PHONES.length - 1), t: fc.nat(SPAN), cents: fc.integer({min: 1, max: 500000})}), {maxLength: 40}),
  messages: fc.array(fc.record({c: fc.nat(PHONES.length - 1), t: fc.nat(SPAN), inbound: fc.boolean(), read: fc.boolean()}), {maxLength: 40}),
});

function writeDrop(drop: {orders: {c: number; t: number; cents: number}[]; messages: {c: number; t: number; inbound: boolean; read: boolean}[]}): string {
  const dir = mkdtempSync(join(scratch, "drop-"));
  const iso = (ms: number) => new Date(START + ms).toISOString();
  writeFileSync(join(dir, "customers.csv"), ["customer_id,phone", ...PHONES.map((p, i) => `c${i},${p}`)].join("\n"));
  writeFileSync(
    join(dir, "orders.csv"),
    ["order_id,customer_id,ordered_at,amount,currency", ...drop.orders.map((o, i) => `o${i},c${o.c},${iso(o.t)},${(o.cents / 100).toFixed(2)},CNY`)].join("\n"),
  );
  writeFileSync(
    join(dir, "messages.csv"),
    [
      "message_id,customer_id,direction,sent_at,delivered_at,read_at",
      ...drop.messages.map((m, i) =>
        `m${i},c${m.c},${m.inbound ? "in" : "out"},${iso(m.t)},${m.inbound ? "" : iso(m.t + 1000)},${!m.inbound && m.read ? iso(m.t + 3_600_000) : ""}`,
      ),
    ].join("\n"),
  );
  return dir;
}

/** Every tag row as one sorted list of strings, computed with the DuckDB session in `zone`. */
async function tagRows(dir: string, zone: string): Promise<string[]> {
  const db = await openDatabase(":memory:");
  try {
    // Simulates a build machine in another zone: everything must still be computed per customer.
    await db.connection.run(`SET TimeZone = '${zone}'`);
    const settings = parseSettings({});
    await ingest(db.connection, dropAdapter, dir, settings, AS_OF);
    await computeTags(db.connection, AS_OF, settings);
    const rows = await queryRows<{r: string}>(
      db.connection,
      "SELECT customer_id || '|' || family || '|' || tag || '|' || reason AS r FROM tag_snapshots ORDER BY r",
      "t",
    );
    return rows.map((row) => row.r);
  } finally {
    closeDatabase(db);
  }
}

describe("computeTags: tags never depend on the build machine's time zone or clock", () => {
  it("gives identical tags and reasons with the database session in any zone", async () => {
    await fc.assert(
      fc.asyncProperty(dropArbitrary, fc.constantFrom("Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kathmandu"), async (drop, zone) => {
        const dir = writeDrop(drop);
        expect(await tagRows(dir, zone)).toEqual(await tagRows(dir, "UTC"));
      }),
      {
        numRuns: 6,
        // Found by this property: an order at 23:00 in Singapore on the as-of date is already the
        // next day in Tokyo, and a grid bound read in the session zone dropped its colour.
        examples: [[{orders: [{c: 0, t: 39366000000, cents: 1}], messages: []}, "Asia/Tokyo"]],
      },
    );
  }, 120_000);

  it("gives identical tags whatever the clock says", async () => {
    const dir = writeDrop(fc.sample(dropArbitrary, {numRuns: 1, seed: 7})[0]!);
    const before = await tagRows(dir, "UTC");
    vi.useFakeTimers({now: new Date("2031-07-04T03:00:00Z"), toFake: ["Date"]});
    try {
      expect(await tagRows(dir, "UTC")).toEqual(before);
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);

  it("gives identical `tagbook tags` output when the process runs in Asia/Tokyo", () => {
    const dir = writeDrop(fc.sample(dropArbitrary, {numRuns: 1, seed: 11})[0]!);
    const run = (tz: string) =>
      execFileSync(process.execPath, ["bin/tagbook.js", "tags", "--drop", dir, "--as-of", AS_OF, "--warehouse", join(dir, `w-${tz.replace("/", "-")}.duckdb`)], {
        env: {...process.env, TZ: tz},
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
    expect(run("Asia/Tokyo")).toBe(run("UTC"));
  }, 60_000);
});
