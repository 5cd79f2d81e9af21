import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "../lib/duckdb.js";
import {writeQuery} from "../lib/export.js";
import {dropAdapter, ingest} from "../lib/ingest.js";
import {buildSegments, segmentRowsSql, type SegmentSummary} from "../lib/segments/build.js";
import {parseSettings, type Settings} from "../lib/settings/index.js";
import {computeTags} from "../lib/tags/index.js";

// A hand-made drop (test/fixtures/segments), as of 2024-03-31, where each customer trips one rule:
// s02 opted out, s03 never answered, s04 utility only, s05 last order 60 local days ago, s06 a US
// number with no message from the customer, s07 a US number that wrote 14 hours before the as-of
// end, s08 in a shipping-restricted area, s09 three marketing messages in the last 30 days,
// s10 two (a third was on 1 March, local day 30 back), s11/s12 one number written two ways.
const FIXTURE = "test/fixtures/segments";
const AS_OF = "2024-03-31";
const SETTINGS = {
  tags: {shippingRestricted: [{country: "BR", region: "Amazonas"}]},
  segments: {
    custom: [
      {name: "website-offer", category: "marketing", shipsGoods: true, any: ["source:website"]},
      {name: "website-service", category: "utility", any: ["source:website"]},
      {name: "lapsed", isWinBack: true, any: ["lifecycle:dormant"]},
    ],
  },
};

let db: Database;
let settings: Settings;
let summary: SegmentSummary[];
const q = <T = Record<string, unknown>>(sql: string) => queryRows<T>(db.connection, sql, "test");
const ids = async (segment: string) =>
  (await q<{customer_id: string}>(`SELECT customer_id FROM seg_rows WHERE segment = '${segment}' ORDER BY 1`)).map(
    (r) => r.customer_id,
  );
const find = (name: string) => summary.find((s) => s.name === name)!;

beforeAll(async () => {
  db = await openDatabase(":memory:");
  settings = parseSettings(SETTINGS);
  await ingest(db.connection, dropAdapter, FIXTURE, settings, AS_OF);
  await computeTags(db.connection, AS_OF, settings);
  summary = await buildSegments(db.connection, AS_OF, settings);
});
afterAll(() => closeDatabase(db));

describe("send safety on the hand-made drop", () => {
  it("leaves members of a marketing goods list out by their first reason", async () => {
    const offer = find("website-offer");
    expect(offer.members).toBe(13);
    expect(offer.sendable).toBe(5);
    expect(offer.excluded).toEqual({
      "duplicate number": 1,
      "no consent": 3,
      inactive: 1,
      "no-marketing country": 1,
      "shipping restricted": 1,
      "frequency cap": 1,
    });
    expect(await ids("website-offer")).toEqual(["s01", "s07", "s10", "s11", "s13"]);
    expect(
      await q(`SELECT customer_id, reason, detail FROM seg_exclusions WHERE segment = 'website-offer' ORDER BY 1`),
    ).toEqual([
      {customer_id: "s02", reason: "no consent", detail: "marketing list: opted out"},
      {customer_id: "s03", reason: "no consent", detail: "marketing list: opt-in not recorded"},
      {customer_id: "s04", reason: "no consent", detail: "marketing list: opted out"},
      {customer_id: "s05", reason: "inactive", detail: "60 days since the last order or message (limit 60)"},
      {
        customer_id: "s06",
        reason: "no-marketing country",
        detail: "US does not deliver marketing templates, and no customer message in the last 24 hours",
      },
      {customer_id: "s08", reason: "shipping restricted", detail: "area on the shipping-restricted list"},
      {customer_id: "s09", reason: "frequency cap", detail: "3 marketing messages in the last 30 days (cap 3)"},
      {
        customer_id: "s12",
        reason: "duplicate number",
        detail: "same WhatsApp number +447400111011 as s11, which stays on the list",
      },
    ]);
  });

  it("applies only consent, inactivity and duplicates to a utility list without goods", async () => {
    const service = find("website-service");
    expect([service.members, service.sendable]).toEqual([13, 9]);
    // s04 opted in for utility only; US, shipping and the marketing cap do not apply.
    expect(await ids("website-service")).toEqual(["s01", "s04", "s06", "s07", "s08", "s09", "s10", "s11", "s13"]);
  });

  it("keeps customers inactive for 60 days in win-back lists only", async () => {
    expect(await ids("lapsed")).toEqual(["s05", "s13"]);
    // dormant (30+ days) and at most 60 days: s05 at exactly 60, s13 at 41.
    expect(await ids("dormant-win-back")).toEqual(["s05", "s13"]);
  });

  it("decides free-form or template by whether the 24-hour window is still open at the send time", async () => {
    // The list goes out at each customer's next window: 12:00 BST on 1 April in London
    // (2024-04-01T11:00Z; DST began on 31 March), 12:00 EDT in New York (16:00Z). s01 wrote at
    // 10:30Z on 31 March (24.5 h before its send, template), s10 at 11:30Z (23.5 h, free-form),
    // s07 in New York at 20:00Z (20 h, free-form, so the US template rule does not drop it).
    expect(
      await q(`SELECT customer_id, message_kind FROM seg_rows WHERE segment = 'website-offer' ORDER BY 1`),
    ).toEqual([
      {customer_id: "s01", message_kind: "template"},
      {customer_id: "s07", message_kind: "free-form"},
      {customer_id: "s10", message_kind: "free-form"},
      {customer_id: "s11", message_kind: "template"},
      {customer_id: "s13", message_kind: "template"},
    ]);
  });

  it("carries the next local send window as a UTC instant and as local time", async () => {
    const rows = await q(
      `SELECT customer_id, time_zone, next_send_utc, next_send_local FROM seg_rows
       WHERE segment = 'website-offer' AND customer_id IN ('s01', 's07') ORDER BY 1`,
    );
    // Defaults (no activity data): 12:00–16:00 local on the day after the as-of date.
    expect(rows).toEqual([
      {customer_id: "s01", time_zone: "Europe/London", next_send_utc: "2024-04-01T11:00:00Z", next_send_local: "2024-04-01 12:00–16:00"},
      {customer_id: "s07", time_zone: "America/New_York", next_send_utc: "2024-04-01T16:00:00Z", next_send_local: "2024-04-01 12:00–16:00"},
    ]);
  });

  it("uses the per-tier cap: 2 marketing messages reach a high-tier cap of 2", async () => {
    const local = await openDatabase(":memory:");
    try {
      const tiered = parseSettings({...SETTINGS, segments: {...SETTINGS.segments, tierCaps: {high: 2}}});
      await ingest(local.connection, dropAdapter, FIXTURE, tiered, AS_OF);
      await computeTags(local.connection, AS_OF, tiered);
      await run(
        local.connection,
        `DELETE FROM tag_snapshots WHERE family = 'spend tier';
         INSERT INTO tag_snapshots VALUES
           (DATE '${AS_OF}', 's10', 'spend tier', 'high', 'test', DATE '${AS_OF}'),
           (DATE '${AS_OF}', 's01', 'spend tier', 'high', 'test', DATE '${AS_OF}')`,
        "test",
      );
      const [high] = await buildSegments(local.connection, AS_OF, tiered, ["high-tier-scarcity"]);
      expect([high!.members, high!.sendable, high!.excluded["frequency cap"]]).toEqual([2, 1, 1]);
      const [detail] = await queryRows(local.connection, "SELECT customer_id, detail FROM seg_exclusions", "test");
      expect(detail).toEqual({customer_id: "s10", detail: "2 marketing messages in the last 30 days (cap 2, tier high)"});
      // With the default caps (3 for everyone) s10 stays.
      const [again] = await buildSegments(local.connection, AS_OF, parseSettings(SETTINGS), ["high-tier-scarcity"]);
      expect(again!.sendable).toBe(2);
    } finally {
      closeDatabase(local);
    }
  });

  it("names an unknown segment and a custom name that clashes with the catalogue", async () => {
    await expect(buildSegments(db.connection, AS_OF, settings, ["nope"])).rejects.toThrow(
      /unknown segment "nope"; the catalogue has high-tier-scarcity/,
    );
    const clash = parseSettings({segments: {custom: [{name: "red-list", any: ["source:website"]}]}});
    await expect(buildSegments(db.connection, AS_OF, clash)).rejects.toThrow(
      'segments.custom name "red-list" is already a catalogue segment',
    );
  });
});

describe("round trip through tagbook's own importer", () => {
  it("reads an exported list back as customers with the same rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tagbook-roundtrip-"));
    try {
      const file = join(dir, "customers-website-service.csv");
      const written = await writeQuery(db.connection, segmentRowsSql("website-service", true), file, "test");
      expect(written).toBe(9);
      const back = await openDatabase(":memory:");
      try {
        await ingest(back.connection, dropAdapter, dir, parseSettings({}), AS_OF);
        const read = await queryRows(
          back.connection,
          "SELECT customer_id, name, phone, wa_id, country, time_zone, language FROM customers ORDER BY customer_id",
          "test",
        );
        const exported = await q(
          `SELECT customer_id, name, phone, wa_id, country, time_zone, language FROM seg_rows
           WHERE segment = 'website-service' ORDER BY customer_id`,
        );
        // The file holds "'=Jo+1" and "'+44…" (neutralised for Excel); the importer drops the mark.
        const bytes = readFileSync(file, "utf8");
        expect(bytes).toContain(",'=Jo+1,");
        expect(bytes).toContain(",'+447400111001,");
        expect(read).toEqual(exported);
        expect(read.find((r) => r.customer_id === "s10")?.name).toBe("=Jo+1");
        expect(read.find((r) => r.customer_id === "s01")?.name).toBe("محمد");
      } finally {
        closeDatabase(back);
      }
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
