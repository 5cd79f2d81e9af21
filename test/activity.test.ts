import {spawnSync} from "node:child_process";
import {afterEach, describe, expect, it} from "vitest";
import {createActivityEvents} from "../lib/activity/events.js";
import {heatmapCells} from "../lib/activity/heatmap.js";
import {createZoneHourOffsets, localTimestampSql, offsetJoinSql} from "../lib/activity/local-time.js";
import {periodRanges, ramadanRanges} from "../lib/activity/periods.js";
import {createCustomerSendWindows} from "../lib/activity/send-window.js";
import {slotTags} from "../lib/activity/slots.js";
import {computeWindows, isQuietHour} from "../lib/activity/windows.js";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {TC08_CUSTOMERS, TC08_EXPECTED, TC08_MESSAGES} from "./fixtures/activity/tc08.js";
import {activityWarehouse, type TestMessage} from "./fixtures/activity/warehouse.js";

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

const cellsOf = async (d: Database, region = "all") =>
  (await heatmapCells(d.connection)).filter((c) => c.region === region).map((c) => [c.weekday, c.hour, c.reads + c.replies]);

describe("activity heatmap cells", () => {
  it("TC-08: converts each message with its own customer's zone", async () => {
    db = await activityWarehouse("2023-03-31", TC08_CUSTOMERS, TC08_MESSAGES);
    await createActivityEvents(db.connection, "2023-03-31", parseSettings({}));
    expect(await cellsOf(db)).toEqual(TC08_EXPECTED);
    expect(await cellsOf(db, "CO")).toEqual([[5, 22, 1]]);
  });

  it("TC-08: gives the same cells whatever the DuckDB session zone", async () => {
    for (const zone of ["Asia/Tokyo", "America/St_Johns", "Asia/Kolkata"]) {
      db = await activityWarehouse("2023-03-31", TC08_CUSTOMERS, TC08_MESSAGES);
      await run(db.connection, `SET TimeZone = '${zone}'`, "session zone");
      await createActivityEvents(db.connection, "2023-03-31", parseSettings({}));
      expect(await cellsOf(db), zone).toEqual(TC08_EXPECTED);
      closeDatabase(db);
      db = undefined;
    }
  });

  it("TC-08: gives the same cells with the machine zone UTC, Asia/Tokyo or America/Los_Angeles", () => {
    for (const tz of ["UTC", "Asia/Tokyo", "America/Los_Angeles"]) {
      const child = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/activity/tc08-cells.ts"], {
        env: {...process.env, TZ: tz},
        encoding: "utf8",
      });
      expect(child.status, child.stderr).toBe(0);
      const out = JSON.parse(child.stdout) as {machineZone: string; cells: number[][]};
      expect(out.machineZone).toBe(tz);
      expect(out.cells).toEqual(TC08_EXPECTED);
    }
  }, 60_000);

  it("handles negative, half-hour and daylight-saving offsets exactly", async () => {
    const customers = [
      {id: "in", country: "IN", zone: "Asia/Kolkata"},
      {id: "nl", country: "CA", zone: "America/St_Johns"},
      {id: "de", country: "DE", zone: "Europe/Berlin"},
      {id: "au", country: "AU", zone: "Australia/Adelaide"},
    ];
    const m = (id: string, customer: string, sentAt: string): TestMessage => ({id, customer, direction: "in", sentAt});
    db = await activityWarehouse("2024-12-31", customers, [
      m("k1", "in", "2024-01-01T18:45:00Z"), // Tue 2024-01-02 00:15 IST
      m("n1", "nl", "2024-01-08T02:00:00Z"), // Sun 2024-01-07 22:30 NST (−03:30)
      // Berlin spring forward, Sun 2024-03-31: 02:00–03:00 local does not exist.
      m("d1", "de", "2024-03-31T00:30:00Z"), // 01:30 CET
      m("d2", "de", "2024-03-31T01:30:00Z"), // 03:30 CEST
      // Berlin fall back, Sun 2024-10-27: 02:00–03:00 local happens twice.
      m("d3", "de", "2024-10-27T00:30:00Z"), // 02:30 CEST
      m("d4", "de", "2024-10-27T01:30:00Z"), // 02:30 CET
      // Adelaide springs forward at 16:30 UTC on Sat 2024-10-05, inside a UTC hour.
      m("a1", "au", "2024-10-05T16:15:00Z"), // Sun 01:45 ACST (+09:30)
      m("a2", "au", "2024-10-05T16:45:00Z"), // Sun 03:15 ACDT (+10:30)
    ]);
    await createActivityEvents(db.connection, "2024-12-31", parseSettings({}));
    expect(await cellsOf(db, "IN")).toEqual([[2, 0, 1]]);
    expect(await cellsOf(db, "CA")).toEqual([[7, 22, 1]]);
    expect(await cellsOf(db, "DE")).toEqual([[7, 1, 1], [7, 2, 2], [7, 3, 1]]);
    expect(await cellsOf(db, "AU")).toEqual([[7, 1, 1], [7, 3, 1]]);
    const berlin = await queryRows<{t: string}>(
      db.connection,
      "SELECT strftime(local_ts, '%Y-%m-%d %H:%M') AS t FROM act_events WHERE customer_id = 'de' ORDER BY local_ts",
      "test",
    );
    expect(berlin.map((r) => r.t)).toEqual(["2024-03-31 01:30", "2024-03-31 03:30", "2024-10-27 02:30", "2024-10-27 02:30"]);
  });

  it("leaves customers with an unknown zone out and counts them", async () => {
    db = await activityWarehouse("2023-03-31", [...TC08_CUSTOMERS, {id: "x", country: "unknown", zone: "unknown"}], [
      ...TC08_MESSAGES,
      {id: "x1", customer: "x", direction: "in", sentAt: "2023-03-10T12:00:00Z"},
      {id: "x2", customer: "x", direction: "in", sentAt: "2023-03-11T12:00:00Z"},
    ]);
    const coverage = await createActivityEvents(db.connection, "2023-03-31", parseSettings({}));
    expect(coverage).toEqual({customers: 2, unknownZoneCustomers: 1, unknownZoneMessages: 2});
    expect(await cellsOf(db)).toEqual(TC08_EXPECTED);
  });
});

describe("zone-hour offset table", () => {
  it("equals per-row timezone() for every 7 minutes of 2024 in zones with DST and odd offsets", async () => {
    db = await openDatabase(":memory:");
    const zones = ["Europe/Berlin", "America/St_Johns", "Australia/Adelaide", "Australia/Lord_Howe",
      "Pacific/Chatham", "Asia/Kolkata", "America/Santiago", "Asia/Kathmandu"];
    await run(
      db.connection,
      `CREATE TEMP TABLE z AS SELECT unnest([${zones.map((z) => `'${z}'`).join(", ")}]) AS zone;
       CREATE TEMP TABLE t AS SELECT z.zone, ts FROM z,
         range(TIMESTAMPTZ '2024-01-01 00:00:00+00', TIMESTAMPTZ '2025-01-01 00:00:00+00', INTERVAL 7 MINUTE) AS r(ts)`,
      "test",
    );
    await createZoneHourOffsets(db.connection, "SELECT zone FROM z", "(SELECT min(ts) FROM t)", "(SELECT max(ts) FROM t)", "test");
    const [diff] = await queryRows<{rows: number; differ: number; fallback: number}>(
      db.connection,
      `SELECT count(*) AS rows, count(*) FILTER (WHERE ${localTimestampSql("t.ts", "t.zone", "o")} <> timezone(t.zone, t.ts)) AS differ,
         count(*) FILTER (WHERE o.offset_s IS NULL) AS fallback
       FROM t LEFT JOIN zone_hour_offsets o ON ${offsetJoinSql("t.ts", "t.zone", "o")}`,
      "test",
    );
    expect(diff!.rows).toBe(8 * Math.ceil((366 * 24 * 60) / 7));
    expect(diff!.differ).toBe(0);
    // Hours with a change inside (Adelaide, Lord Howe, Chatham, St John's) go through timezone().
    expect(diff!.fallback).toBeGreaterThan(0);
  }, 60_000);
});

describe("send windows", () => {
  // Dubai (+04:00, weekend Sat–Sun). Weekdays of two weeks in January 2024.
  const days = ["2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12",
    "2024-01-15", "2024-01-16", "2024-01-17", "2024-01-18", "2024-01-19"];
  const utc = (day: string, localClock: string) => {
    const [h, m] = localClock.split(":").map(Number);
    return new Date(Date.parse(`${day}T00:00:00Z`) + ((h! - 4) * 60 + m!) * 60_000).toISOString();
  };
  function messages(): TestMessage[] {
    const out: TestMessage[] = [];
    const send = (clock: string, perDay: number, reply: string | null) => {
      for (const day of days) {
        for (let i = 0; i < perDay; i++) {
          const id = `${day}-${clock}-${i}`;
          // Sends of one half hour are 10 minutes apart, so each reply answers its own send.
          const sentAt = new Date(Date.parse(utc(day, clock)) + i * 600_000).toISOString();
          out.push({id, customer: "ae", direction: "out", sentAt, readAt: sentAt});
          // Each reply comes 1 minute later; only one reply per send (the ASOF join pairs them).
          if (reply !== null) {
            out.push({id: `r-${id}`, customer: "ae", direction: "in", text: reply,
              sentAt: new Date(Date.parse(sentAt) + 60_000).toISOString()});
          }
        }
      }
    };
    send("13:00", 1, "yes");
    send("14:00", 2, "yes"); // 20 messages: the best half hour
    send("15:00", 1, "yes");
    send("16:45", 1, "yes");
    send("12:45", 1, "STOP please"); // stops: the worst window is the one holding only this half hour
    send("17:00", 1, null);
    send("23:00", 2, "yes"); // replied, but local night: never recommended
    return out;
  }

  it("chooses the clear best window, best half hour and worst window, never at night", async () => {
    db = await activityWarehouse("2024-01-31", [{id: "ae", country: "AE", zone: "Asia/Dubai"}], messages());
    const settings = parseSettings({activity: {minEvidence: 10, minSlotEvidence: 10}});
    await createActivityEvents(db.connection, "2024-01-31", settings);
    const windows = await computeWindows(db.connection, settings);
    const pick = (kind: string) => windows.find((w) => w.region === "AE" && w.day_type === "weekday" && w.kind === kind)!;
    expect(pick("best")).toMatchObject({start: "13:00", end: "17:00", sent: 50, replied: 50, source: "data"});
    expect(pick("best half hour")).toMatchObject({start: "14:00", end: "14:30", sent: 20, replied: 20});
    expect(pick("worst")).toMatchObject({start: "09:00", end: "13:00", sent: 10, stopped: 10, source: "data"});
    // Wilson interval for 50 of 50: [0.9287, 1].
    expect(pick("best").ci_low).toBeCloseTo(0.92865, 4);
    expect(pick("best").ci_high).toBeCloseTo(1, 9);
    // No weekend messages: the weekend falls back to the configured default and says so.
    const weekend = windows.find((w) => w.region === "AE" && w.day_type === "weekend");
    expect(weekend).toBeUndefined();
  });

  it("falls back to the configured default below the minimum evidence, and says so", async () => {
    db = await activityWarehouse("2024-01-31", [{id: "ae", country: "AE", zone: "Asia/Dubai"}], messages());
    const settings = parseSettings({activity: {minEvidence: 100, defaultWindows: {byCountry: {AE: {weekday: "18:30", weekend: "11:00"}}}}});
    await createActivityEvents(db.connection, "2024-01-31", settings);
    const windows = await computeWindows(db.connection, settings);
    const best = windows.find((w) => w.region === "AE" && w.day_type === "weekday" && w.kind === "best")!;
    expect(best).toMatchObject({start: "18:30", end: "22:30", source: "default", sent: 0});
    expect(best.note).toBe("configured default: no window outside quiet hours has 100 messages (most: 50)");
  });

  it("gives each customer the next window as a UTC instant in their own zone", async () => {
    db = await activityWarehouse("2024-01-31", [{id: "ae", country: "AE", zone: "Asia/Dubai"}], messages());
    const settings = parseSettings({activity: {minEvidence: 10}});
    await createCustomerSendWindows(db.connection, "2024-01-31", settings);
    const rows = await queryRows(db.connection, `SELECT customer_id, zone_known, day_type, window_source, window_label,
      strftime(window_start_local, '%Y-%m-%d %H:%M') AS local, window_start_utc FROM customer_send_window`, "test");
    // 2024-02-01 is a Thursday; 13:00 in Dubai is 09:00 UTC.
    expect(rows).toEqual([{customer_id: "ae", zone_known: true, day_type: "weekday", window_source: "country data",
      window_label: "Thursday 13:00–17:00 local", local: "2024-02-01 13:00", window_start_utc: "2024-02-01T09:00:00.000Z"}]);
    await createCustomerSendWindows(db.connection, "2024-01-31", settings, "2024-02-02T10:00:00Z");
    const [saturday] = await queryRows(db.connection, `SELECT window_source, window_label, window_start_utc FROM customer_send_window`, "test");
    // Friday 14:00 Dubai is past the Friday window; Saturday is the weekend: no data, default 10:00.
    expect(saturday).toEqual({window_source: "default", window_label: "Saturday 10:00–14:00 local", window_start_utc: "2024-02-03T06:00:00.000Z"});
  });

  it("treats quiet hours as wrapping past midnight", () => {
    const quiet = {start: 22, end: 8};
    expect([21, 22, 23, 0, 7, 8].map((h) => isQuietHour(h, quiet))).toEqual([false, true, true, true, true, false]);
  });
});

describe("periods", () => {
  it("finds Ramadan 1445 and 1446 by the Umm al-Qura calendar", () => {
    expect(ramadanRanges(2024, 2025)).toEqual([
      {hijriYear: 1445, from: "2024-03-11", to: "2024-04-09"},
      {hijriYear: 1446, from: "2025-03-01", to: "2025-03-29"},
    ]);
  });

  it("puts the two weeks before 11.11 on 10-28..11-10", () => {
    const ranges = periodRanges(parseSettings({}), 2026, 2026);
    expect(ranges.find((r) => r.period === "two weeks before 11.11")).toEqual(
      {period: "two weeks before 11.11", from: "2026-10-28", to: "2026-11-10", countries: []},
    );
  });
});

describe("slot tags", () => {
  it("tags 5 Wednesday reads in a row after 20:00 local, and not 4 interrupted by a morning read", async () => {
    // Wednesdays of 2024: Jan 3, 10, 17, 24, 31. Berlin is +01:00 in winter: 20:30 local = 19:30Z.
    const wednesdays = ["2024-01-03", "2024-01-10", "2024-01-17", "2024-01-24", "2024-01-31"];
    const read = (id: string, customer: string, at: string): TestMessage => ({id, customer, direction: "out", sentAt: at, readAt: at});
    const msgs = [
      ...wednesdays.map((d, i) => read(`a${i}`, "a", `${d}T19:30:00Z`)),
      read("a-thu", "a", "2024-01-04T08:00:00Z"), // a Thursday morning read does not break the Wednesday run
      ...wednesdays.map((d, i) => read(`b${i}`, "b", i === 2 ? `${d}T09:00:00Z` : `${d}T19:30:00Z`)),
    ];
    db = await activityWarehouse("2024-01-31", [{id: "a", country: "DE", zone: "Europe/Berlin"},
      {id: "b", country: "DE", zone: "Europe/Berlin"}], msgs);
    await run(db.connection, "CREATE TEMP TABLE new_tags (customer_id VARCHAR, family VARCHAR, tag VARCHAR, reason VARCHAR)", "test");
    await slotTags(db.connection, "2024-01-31", parseSettings({}));
    const tags = await queryRows(db.connection, "SELECT * FROM new_tags ORDER BY customer_id, tag", "test");
    expect(tags).toEqual([{customer_id: "a", family: "slot", tag: "Wednesday evening active",
      reason: "5 reads in a row in the slot (20:00–24:00 local), 2024-01-03 20:30 to 2024-01-31 20:30 (rule: 5 in a row, last 90 days)"}]);
  });
});
