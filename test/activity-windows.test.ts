import {afterEach, describe, expect, it} from "vitest";
import {createActivityEvents} from "../lib/activity/events.js";
import {periodReport} from "../lib/activity/periods.js";
import {computeWindows, type SendWindow} from "../lib/activity/windows.js";
import {closeDatabase, type Database} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {activityWarehouse, type TestMessage} from "./fixtures/activity/warehouse.js";

// The minimum-evidence rule on outcomes, not only on messages sent: windows chosen on 0 replies
// or 0 stop replies were labelled as measured. Every case here can be counted by hand.

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

const AS_OF = "2024-02-29";
/** Mon 2024-01-08 to Fri 2024-01-19: ten weekdays. */
const WEEKDAYS = ["08", "09", "10", "11", "12", "15", "16", "17", "18", "19"].map((d) => `2024-01-${d}`);
/** Thirteen weekend days (Saturday and Sunday) from 2024-01-06. */
const WEEKEND = ["01-06", "01-07", "01-13", "01-14", "01-20", "01-21", "01-27", "01-28", "02-03", "02-04",
  "02-10", "02-11", "02-17"].map((d) => `2024-${d}`);

/** The UTC instant of a local day and clock time in a zone with a fixed offset such as "-06:00". */
const at = (day: string, clock: string, offset: string, plusMinutes = 0) =>
  new Date(Date.parse(`${day}T${clock}:00${offset}`) + plusMinutes * 60_000).toISOString();

/**
 * One customer's messages: `count` sends a day from the local clock time, 2 minutes apart, and a
 * reply one minute after each of the first `answered` sends (over all days, in order), with `text`.
 * One minute after its send, each reply answers that send and no other.
 */
function sends(customer: string, days: string[], clock: string, offset: string, count: number,
  answered = 0, text = "sí"): TestMessage[] {
  const out: TestMessage[] = [];
  let n = 0;
  for (const day of days) {
    for (let i = 0; i < count; i++) {
      const id = `${customer}-${day}-${clock}-${i}`;
      const sentAt = at(day, clock, offset, 2 * i);
      out.push({id, customer, direction: "out", sentAt, readAt: sentAt});
      if (n++ < answered) out.push({id: `r-${id}`, customer, direction: "in", text, sentAt: at(day, clock, offset, 2 * i + 1)});
    }
  }
  return out;
}

const pick = (windows: SendWindow[], region: string, dayType: string, kind: string) =>
  windows.find((w) => w.region === region && w.day_type === dayType && w.kind === kind);

describe("best windows need replies, not only messages sent", () => {
  // Mexico City is −06:00 all year since 2022. Weekdays: 30 sends at 10:00 local with 4 replies
  // (13%) and 100 sends at 16:00 with 6 replies (6%). Weekends: 104 sends spread over 18:00–22:00
  // (13 weekend days, one in each of the 8 half hours), none answered.
  const mx = () => [
    ...sends("mx", WEEKDAYS, "10:00", "-06:00", 3, 4),
    ...sends("mx", WEEKDAYS, "16:00", "-06:00", 10, 6),
    ...["18:00", "18:30", "19:00", "19:30", "20:00", "20:30", "21:00", "21:30"]
      .flatMap((clock) => sends("mx", WEEKEND, clock, "-06:00", 1)),
  ];

  async function windowsOf(settings = parseSettings({})) {
    db = await activityWarehouse(AS_OF, [{id: "mx", country: "MX", zone: "America/Mexico_City"}], mx());
    await createActivityEvents(db.connection, AS_OF, settings);
    return computeWindows(db.connection, settings);
  }

  it("puts a half hour without evidence of its own inside the region's best window, not at the default", async () => {
    // With 7 replies needed, no half hour qualifies (10:00 has 4, 16:00 has 6). The best 4-hour
    // window is measured (100 messages, 6 replies, around 16:00), so the half hour is the one in
    // it with most replies, 16:00–16:30, not the configured default 12:00–12:30.
    const windows = await windowsOf(parseSettings({activity: {minSlotReplies: 7}}));
    const best = pick(windows, "MX", "weekday", "best")!;
    expect(best.source).toBe("data");
    const half = pick(windows, "MX", "weekday", "best half hour");
    expect(half).toMatchObject({start: "16:00", end: "16:30", source: "default", sent: 100, replied: 6});
    expect(half!.note).toBe(`the half hour with most replies in the best window (${best.start}–${best.end}): only 6 replies ` +
      "in 100 messages sent on weekdays (16:00–16:30, the most replies of any window outside quiet hours); " +
      "a window needs 7 replies and 10 messages");
  });

  it("falls back to the default window on 0 replies in 104 messages, and says why", async () => {
    const windows = await windowsOf();
    // Before: 18:00–22:00 "from data" at a reply rate of 0 of 104.
    expect(pick(windows, "MX", "weekend", "best")).toMatchObject({
      start: "10:00", end: "14:00", source: "default", sent: 0, replied: 0, ci_low: null,
      note: "configured default: only 0 replies in 104 messages sent on weekends (18:00–22:00, the busiest window " +
        "outside quiet hours); a window needs 5 replies and 30 messages",
    });
    // The instant and considered windows are held to the same rule on their own outcome.
    expect(pick(windows, "MX", "weekend", "instant")).toMatchObject({
      start: "10:00", source: "default",
      note: "configured default: only 0 fast replies in 104 messages sent on weekends (18:00–22:00, the busiest " +
        "window outside quiet hours); a window needs 5 fast replies and 30 messages",
    });
    expect(pick(windows, "MX", "weekend", "considered")).toMatchObject({start: "10:00", source: "default"});
  });

  it("chooses the window with enough replies over a higher rate on 4 replies", async () => {
    const windows = await windowsOf();
    // 08:00–12:00 holds 4 of 30 (13%), under 5 replies; the windows holding 16:00 hold 6 of 100,
    // all alike, so the earliest start wins.
    expect(pick(windows, "MX", "weekday", "best")).toMatchObject({
      start: "12:30", end: "16:30", sent: 100, replied: 6, source: "data", note: "reply rate: 6 of 100 messages",
    });
    // A half hour needs only minSlotReplies (3): 10:00 with 4 of 30 is the best half hour.
    expect(pick(windows, "MX", "weekday", "best half hour")).toMatchObject({
      start: "10:00", end: "10:30", sent: 30, replied: 4, source: "data",
    });
  });

  it("names the nearest window when it has some replies but too few", async () => {
    const windows = await windowsOf(parseSettings({activity: {minReplies: 7}}));
    expect(pick(windows, "MX", "weekday", "best")).toMatchObject({
      start: "12:00", end: "16:00", source: "default",
      note: "configured default: only 6 replies in 100 messages sent on weekdays (12:30–16:30, the most replies of " +
        "any window outside quiet hours); a window needs 7 replies and 30 messages",
    });
  });

  it("takes the country's configured default window on falling back", async () => {
    const windows = await windowsOf(parseSettings({activity: {defaultWindows: {byCountry: {MX: {weekday: "09:00", weekend: "11:30"}}}}}));
    expect(pick(windows, "MX", "weekend", "best")).toMatchObject({start: "11:30", end: "15:30", source: "default"});
  });
});

describe("worst windows need stop replies", () => {
  // Buenos Aires is −03:00 all year. Weekdays: 30 sends at 02:00 local, 2 answered "stop"
  // (6.7%), and 100 sends at 12:00, 3 answered "baja" (3%). No other replies.
  const ar = () => [
    ...sends("ar", WEEKDAYS, "02:00", "-03:00", 3, 2, "stop"),
    ...sends("ar", WEEKDAYS, "12:00", "-03:00", 10, 3, "baja por favor"),
  ];
  async function windowsOf(settings = parseSettings({})) {
    db = await activityWarehouse(AS_OF, [{id: "ar", country: "AR", zone: "America/Argentina/Buenos_Aires"}], ar());
    await createActivityEvents(db.connection, AS_OF, settings);
    return computeWindows(db.connection, settings);
  }

  it("chooses the window with 3 stop replies over a higher stop rate on 2", async () => {
    const windows = await windowsOf();
    expect(pick(windows, "AR", "weekday", "worst")).toMatchObject({
      start: "08:30", end: "12:30", sent: 100, stopped: 3, replied: 0, source: "data", metric_rate: 0.03,
      note: "stop rate: 3 of 100 messages",
    });
  });

  it("falls back to the quiet hours, not measured, below the minimum of stop replies", async () => {
    const windows = await windowsOf(parseSettings({activity: {minStops: 4}}));
    // The quiet hours 22:00–08:00 hold the 02:00 sends: their own counts, 2 stops of 30.
    expect(pick(windows, "AR", "weekday", "worst")).toMatchObject({
      start: "22:00", end: "08:00", slots: 20, sent: 30, stopped: 2, source: "default",
      note: "configured default: the quiet hours, not measured: only 3 stop replies in 100 messages sent on weekdays " +
        "(08:30–12:30, the most stop replies of any window); a window needs 4 stop replies and 30 messages",
    });
  });

  it("names no worst window without evidence when the quiet hours are empty", async () => {
    const windows = await windowsOf(parseSettings({activity: {minStops: 4, quietHours: {start: 0, end: 0}}}));
    expect(pick(windows, "AR", "weekday", "worst")).toBeUndefined();
    expect(pick(windows, "AR", "weekend", "worst")).toBeUndefined();
  });

  it("keeps every confidence bound in [0, 1], exactly 0 for no replies", async () => {
    const windows = await windowsOf();
    // 0 replies of 100: the Wilson lower bound is 0, not −6e-18; the upper bound is 3.7%.
    const worst = pick(windows, "AR", "weekday", "worst")!;
    expect(worst.ci_low).toBe(0);
    expect(worst.ci_high).toBeCloseTo(3.8415 / (100 + 3.8415), 4);
    for (const w of windows) {
      if (w.sent === 0) continue;
      expect(w.ci_low, `${w.region} ${w.day_type} ${w.kind}`).toBeGreaterThanOrEqual(0);
      expect(w.ci_high!, `${w.region} ${w.day_type} ${w.kind}`).toBeLessThanOrEqual(1);
    }
  });
});

describe("period shifts carry their evidence", () => {
  // Riyadh (+03:00): ten replies at 20:00 local in February, ten at 22:30 inside Ramadan 1445.
  const msgs: TestMessage[] = [
    ...Array.from({length: 10}, (_, i) => ({id: `o${i}`, customer: "sa", direction: "in" as const,
      sentAt: `2024-02-${String(i + 1).padStart(2, "0")}T17:00:00Z`})),
    ...Array.from({length: 10}, (_, i) => ({id: `i${i}`, customer: "sa", direction: "in" as const,
      sentAt: `2024-03-${15 + i}T19:30:00Z`})),
  ];
  const shiftWith = async (minPeriodEvents: number) => {
    db = await activityWarehouse("2024-04-30", [{id: "sa", country: "SA", zone: "Asia/Riyadh"}], msgs);
    const settings = parseSettings({activity: {minPeriodEvents, periods: [{name: "Ramadan", type: "ramadan"}]}});
    await createActivityEvents(db.connection, "2024-04-30", settings);
    const {shifts} = await periodReport(db.connection, settings);
    const sa = shifts.find((s) => s.region === "SA")!;
    closeDatabase(db);
    db = undefined;
    return sa;
  };

  it("is significant on the minimum of events each side, and not one short of it", async () => {
    expect(await shiftWith(10)).toMatchObject({events_in: 10, events_out: 10, significant: true,
      note: "+2.5 h on 10 events in the period and 10 outside"});
    const thin = await shiftWith(11);
    expect(thin).toMatchObject({significant: false,
      note: "not significant: 10 events in the period and 10 outside; 11 needed on each side"});
    // The shift itself is still given, for a reader who wants it, with the counts beside it.
    expect(thin.shift_hours).toBeCloseTo(2.5, 9);
  });
});
