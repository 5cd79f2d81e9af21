import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {createActivityEvents} from "../lib/activity/events.js";
import {computeWindows, type SendWindow} from "../lib/activity/windows.js";
import {closeDatabase, openDatabase, type Database} from "../lib/duckdb.js";
import {dropAdapter, ingest} from "../lib/ingest.js";
import {generateSample} from "../lib/sample.js";
import {parseSettings} from "../lib/settings/index.js";
import {computeBasics} from "../lib/tags/basics.js";

// The bundled sample (seed 1, as of 2026-11-30) plants each region's reading peak (lib/sample/
// world.ts). The send windows found from the data must land on them: this checks the whole path
// from phone number to zone to local hour to window on realistic volumes, not one hand case.
const AS_OF = "2026-11-30";
let root: string;
let db: Database;
let windows: SendWindow[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "sample-windows-"));
  const sample = await generateSample({dir: root, size: "tiny", seed: 1, asOf: AS_OF});
  db = await openDatabase(":memory:");
  const settings = parseSettings({});
  await ingest(db.connection, dropAdapter, sample.dir, settings);
  await computeBasics(db.connection, AS_OF, settings);
  await createActivityEvents(db.connection, AS_OF, settings);
  windows = await computeWindows(db.connection, settings);
}, 120_000);

afterAll(() => {
  closeDatabase(db);
  rmSync(root, {recursive: true, force: true});
});

const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
const pick = (region: string, kind: string, dayType = "weekday") =>
  windows.find((w) => w.region === region && w.kind === kind && w.day_type === dayType)!;

describe("send windows on the bundled sample land on the planted peaks", () => {
  it("finds Taiwan's skewed weekday best half hour exactly: 13:30–14:00", () => {
    expect(pick("TW", "best half hour")).toMatchObject({start: "13:30", end: "14:00", source: "data"});
  });

  it.each([
    ["IN", "20:00", "22:00"],
    ["BR", "19:00", "21:00"],
    ["MX", "10:00", "12:00"],
    ["AE", "16:00", "18:00"],
    ["SA", "16:00", "18:00"],
  ])("puts %s's weekday best half hour inside its planted window %s–%s", (region, from, to) => {
    const half = pick(region, "best half hour");
    expect(half.source).toBe("data");
    expect(minutes(half.start)).toBeGreaterThanOrEqual(minutes(from));
    expect(minutes(half.start)).toBeLessThan(minutes(to));
    // The 4-hour window holds that half hour.
    const best = pick(region, "best");
    expect(minutes(best.start)).toBeLessThanOrEqual(minutes(half.start));
    expect(minutes(best.start) + 240).toBeGreaterThanOrEqual(minutes(half.end));
  });

  it("puts the worst weekday window of all regions in the night, never recommends it", () => {
    const worst = pick("all", "worst");
    expect(worst.source).toBe("data");
    // Planted: stop replies to night sends (01–06 in most regions).
    expect(minutes(worst.start)).toBeGreaterThanOrEqual(minutes("01:00"));
    expect(minutes(worst.start)).toBeLessThanOrEqual(minutes("03:00"));
    const best = pick("all", "best");
    expect(minutes(best.start)).toBeGreaterThanOrEqual(8 * 60);
  });
});
