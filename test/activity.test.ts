import {spawnSync} from "node:child_process";
import {afterEach, describe, expect, it} from "vitest";
import {createActivityEvents} from "../lib/activity/events.js";
import {heatmapCells, rateCells} from "../lib/activity/heatmap.js";
import {createZoneHourOffsets, localTimestampSql, offsetJoinSql} from "../lib/activity/local-time.js";
import {periodRanges, periodReport, ramadanRanges} from "../lib/activity/periods.js";
import {regionTable} from "../lib/activity/regions.js";
import {createCustomerSendWindows} from "../lib/activity/send-window.js";
import {slotTags} from "../lib/activity/slots.js";
import {computeWindows, isQuietHour} from "../lib/activity/windows.js";
import {closeDatabase, openDatabase, queryRows, run, type Database} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {TC08_CUSTOMERS, TC08_EXPECTED, TC08_MESSAGES} from "./fixtures/activity/tc08.js";
import {activityWarehouse, type TestMessage, type TestOrder} from "./fixtures/activity/warehouse.js";

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
    const weekend = windows.find((w) => w.region === "AE" && w.day_type === "weekend" && w.kind === "best");
    expect(weekend).toMatchObject({start: "10:00", end: "14:00", source: "default", sent: 0});
    expect(weekend!.note).toBe("configured default: no window outside quiet hours has 10 messages sent on weekends (most: 0)");
    // No evidence means no measured bad window: the worst is the configured night, and says so.
    expect(windows.find((w) => w.region === "AE" && w.day_type === "weekend" && w.kind === "worst")).toMatchObject({
      start: "22:00", end: "08:00", source: "default", sent: 0,
      note: "configured default: the quiet hours, not measured: no window has 10 messages sent on weekends (most: 0)",
    });
  });

  it("falls back to the configured default below the minimum evidence, and says so", async () => {
    db = await activityWarehouse("2024-01-31", [{id: "ae", country: "AE", zone: "Asia/Dubai"}], messages());
    const settings = parseSettings({activity: {minEvidence: 100, defaultWindows: {byCountry: {AE: {weekday: "18:30", weekend: "11:00"}}}}});
    await createActivityEvents(db.connection, "2024-01-31", settings);
    const windows = await computeWindows(db.connection, settings);
    const best = windows.find((w) => w.region === "AE" && w.day_type === "weekday" && w.kind === "best")!;
    expect(best).toMatchObject({start: "18:30", end: "22:30", source: "default", sent: 0});
    expect(best.note).toBe("configured default: no window outside quiet hours has 100 messages sent on weekdays (most: 50)");
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

describe("rates by the local hour a message was sent", () => {
  it("gives reply rate and median minutes to read per sent hour, with the raw counts beside them", async () => {
    // Dubai is +04:00. Four sends at 10:00 local on Monday 2024-01-15 (06:00Z), one replied, read
    // after 10, 20 and 40 minutes and never; two sends at 20:00 local (16:00Z), both replied.
    const out = (id: string, at: string, readAfterMin?: number): TestMessage => ({
      id, customer: "ae", direction: "out", sentAt: at,
      readAt: readAfterMin === undefined ? undefined : new Date(Date.parse(at) + readAfterMin * 60_000).toISOString(),
    });
    const msgs: TestMessage[] = [
      out("m1", "2024-01-15T06:00:00Z", 10), out("m2", "2024-01-15T06:01:00Z", 20),
      out("m3", "2024-01-15T06:02:00Z", 40), out("m4", "2024-01-15T06:03:00Z"),
      {id: "r1", customer: "ae", direction: "in", sentAt: "2024-01-15T06:05:00Z"},
      out("m5", "2024-01-15T16:00:00Z", 5), {id: "r2", customer: "ae", direction: "in", sentAt: "2024-01-15T16:10:00Z"},
      out("m6", "2024-01-15T16:20:00Z", 15), {id: "r3", customer: "ae", direction: "in", sentAt: "2024-01-15T16:30:00Z"},
    ];
    db = await activityWarehouse("2024-01-31", [{id: "ae", country: "AE", zone: "Asia/Dubai"}], msgs);
    await createActivityEvents(db.connection, "2024-01-31", parseSettings({}));
    const cells = (await rateCells(db.connection)).filter((c) => c.region === "AE");
    // r1 answers m4 (the latest message before it), not m1: one reply among the four 10:00 sends.
    expect(cells).toEqual([
      {region: "AE", weekday: 1, hour: 10, sent: 4, read: 3, replied: 1, reply_rate: 0.25, median_read_minutes: 20},
      {region: "AE", weekday: 1, hour: 20, sent: 2, read: 2, replied: 2, reply_rate: 1, median_read_minutes: 10},
    ]);
  });
});

describe("instant and considered windows", () => {
  it("picks the instant window on fast replies and the considered one on purchases within 72 h", async () => {
    // Riyadh (+03:00; its weekend is Friday and Saturday). Monday to Thursday, 2024-01-08..11, ten
    // customers get one message each at a daytime hour that moves with the day (12:00, 13:00,
    // 14:00, 15:00 local) and answer within 10 minutes (fast), and one at 19:00 local that they
    // answer after 3 hours (a reply, but not fast).
    const msgs: TestMessage[] = [];
    for (let d = 8; d <= 11; d++) {
      const day = `2024-01-${String(d).padStart(2, "0")}`;
      const noonZ = String(9 + d - 8).padStart(2, "0");
      for (let i = 0; i < 10; i++) {
        msgs.push({id: `n${d}-${i}`, customer: `c${i}`, direction: "out", sentAt: `${day}T${noonZ}:0${i}:00Z`});
        msgs.push({id: `nr${d}-${i}`, customer: `c${i}`, direction: "in", sentAt: `${day}T${noonZ}:1${i}:00Z`});
        msgs.push({id: `e${d}-${i}`, customer: `c${i}`, direction: "out", sentAt: `${day}T16:0${i}:00Z`});
        msgs.push({id: `er${d}-${i}`, customer: `c${i}`, direction: "in", sentAt: `${day}T19:0${i}:00Z`});
      }
    }
    // Each customer buys 71 h after Thursday's evening message: only those ten sends are followed
    // by a purchase within 72 h (Thursday's 15:00 message was 75 h before).
    const orders: TestOrder[] = Array.from({length: 10}, (_, i) => ({id: `o${i}`, customer: `c${i}`, at: `2024-01-14T15:0${i}:00Z`}));
    const customers = Array.from({length: 10}, (_, i) => ({id: `c${i}`, country: "SA", zone: "Asia/Riyadh"}));
    db = await activityWarehouse("2024-01-31", customers, msgs, orders);
    const settings = parseSettings({activity: {minEvidence: 10}});
    await createActivityEvents(db.connection, "2024-01-31", settings);
    const windows = await computeWindows(db.connection, settings);
    const pick = (kind: string) => windows.find((w) => w.region === "SA" && w.day_type === "weekday" && w.kind === kind)!;
    // The daytime sends fall in 12:00–15:10 local, so the windows from 11:30 and from 12:00 both
    // hold all 40 fast replies (rate 1 on the most evidence); the earliest start wins.
    expect(pick("instant")).toMatchObject({start: "11:30", end: "15:30", sent: 40, fast: 40, metric: "fast reply rate"});
    // Every 4-hour window holding 19:00 and no daytime send buys at 10 of 40; among equal rates on
    // equal evidence the earliest start wins (15:30, just after the 15:00 sends).
    expect(pick("considered")).toMatchObject({start: "15:30", end: "19:30", sent: 40, purchased: 10, metric: "purchase rate"});
    expect(pick("considered").metric_rate).toBe(0.25);
  });
});

describe("period shifts", () => {
  it("shifts activity 2.5 h later inside Ramadan 1445 for a customer who moves from 20:00 to 22:30", async () => {
    // Riyadh is +03:00 all year. Outside (February): replies at 20:00 local (17:00Z); inside
    // Ramadan 1445 (2024-03-11 to 2024-04-09 by Umm al-Qura): replies at 22:30 local (19:30Z).
    const msgs: TestMessage[] = [];
    for (let d = 1; d <= 10; d++) msgs.push({id: `o${d}`, customer: "sa", direction: "in", sentAt: `2024-02-${String(d).padStart(2, "0")}T17:00:00Z`});
    for (let d = 15; d <= 24; d++) msgs.push({id: `i${d}`, customer: "sa", direction: "in", sentAt: `2024-03-${d}T19:30:00Z`});
    db = await activityWarehouse("2024-04-30", [{id: "sa", country: "SA", zone: "Asia/Riyadh"}], msgs);
    const settings = parseSettings({activity: {periods: [{name: "Ramadan", type: "ramadan"}]}});
    await createActivityEvents(db.connection, "2024-04-30", settings);
    const {shifts} = await periodReport(db.connection, settings);
    const sa = shifts.find((s) => s.region === "SA")!;
    // Ten events a side is under the default 30: the shift is given, with its counts, as not significant.
    expect(sa).toMatchObject({period: "Ramadan", events_in: 10, events_out: 10, significant: false,
      note: "not significant: 10 events in the period and 10 outside; 30 needed on each side"});
    expect(sa.shift_hours).toBeCloseTo(2.5, 9);
    expect(sa.mean_hour_in).toBeCloseTo(22.5 + 1 / 120, 9);
  });

  it("measures a move from 23:00 to 01:00 as +2 h, not −22 h", async () => {
    const msgs: TestMessage[] = [];
    // London in January is UTC: outside the period at 23:00, inside (Jan 20–25) at 01:00.
    for (let d = 2; d <= 7; d++) msgs.push({id: `o${d}`, customer: "gb", direction: "in", sentAt: `2024-01-0${d}T23:00:00Z`});
    for (let d = 20; d <= 25; d++) msgs.push({id: `i${d}`, customer: "gb", direction: "in", sentAt: `2024-01-${d}T01:00:00Z`});
    db = await activityWarehouse("2024-01-31", [{id: "gb", country: "GB", zone: "Europe/London"}], msgs);
    const settings = parseSettings({activity: {periods: [{name: "holiday", type: "dates", ranges: [["2024-01-20", "2024-01-25"]]}]}});
    await createActivityEvents(db.connection, "2024-01-31", settings);
    const {shifts} = await periodReport(db.connection, settings);
    expect(shifts.find((s) => s.region === "all")!.shift_hours).toBeCloseTo(2, 9);
  });
});

describe("region table", () => {
  it("gives order share, AOV in the shop's currency, density, the high-value flag and cancellation rates", async () => {
    // 300 customers: 200 in IN, 100 in BR (one of them shipping-restricted), none in any other region.
    const customers = [
      ...Array.from({length: 200}, (_, i) => ({id: `in${i}`, country: "IN", zone: "Asia/Kolkata"})),
      ...Array.from({length: 100}, (_, i) => ({id: `br${i}`, country: "BR", zone: "America/Sao_Paulo"})),
    ];
    // IN: 3 paid orders of 10; BR: 1 paid order of 10 and one cancelled (restricted customer br0).
    const orders: TestOrder[] = [
      {id: "a", customer: "in0", at: "2024-01-10T10:00:00Z"}, {id: "b", customer: "in1", at: "2024-01-11T10:00:00Z"},
      {id: "c", customer: "in2", at: "2024-01-12T10:00:00Z"}, {id: "d", customer: "br1", at: "2024-01-12T15:00:00Z"},
      {id: "e", customer: "br0", at: "2024-01-13T15:00:00Z", status: "cancelled"},
      // A year earlier, one IN order in the same 90 days: frequency change +200%.
      {id: "y", customer: "in3", at: "2023-01-10T10:00:00Z"},
    ];
    db = await activityWarehouse("2024-01-31", customers, [], orders);
    await run(db.connection, "UPDATE orders SET currency = 'BRL'", "test");
    await run(db.connection, "UPDATE customer_basics SET shipping_restricted = true WHERE customer_id = 'br0'", "test");
    const settings = parseSettings({activity: {lookbackDays: 30}});
    await createActivityEvents(db.connection, "2024-01-31", settings);
    await computeWindows(db.connection, settings);
    const rows = await regionTable(db.connection, "2024-01-31", settings);
    const row = (r: string) => rows.find((x) => x.region === r)!;
    // One currency in the drop: AOV in BRL, without any rate.
    expect(row("IN")).toMatchObject({customers: 200, orders: 3, order_share: 0.75, aov: 10, currency: "BRL",
      orders_per_thousand: 10, high_value: true, orders_recent: 3, orders_year_ago: 1, frequency_change: 2});
    // BR: 1 order per 300 customers is 3.3 per 1,000, under the density bound of 5.
    expect(row("BR")).toMatchObject({customers: 100, orders: 1, order_share: 0.25, aov: 10, high_value: false,
      restricted_share: 0.01, restricted_cancel_rate: 1, other_cancel_rate: 0});
    expect(row("BR").orders_per_thousand).toBeCloseTo(10 / 3, 9);
  });
});
