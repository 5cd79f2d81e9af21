import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseSettings} from "../lib/settings/index.js";
import {settingsMarkdown, settingsReference} from "../lib/settings/reference.js";

describe("parseSettings(input)", () => {
  it("fills every missing key with the playbook's default", () => {
    const settings = parseSettings({});
    expect(settings.tags.lifecycle.dormantDays).toBe(30);
    expect(settings.tags.frequency.monthlyMaxGapDays).toBe(31);
    expect(settings.tags.orderValue.bounds.CNY).toEqual([500, 2000]);
  });

  it("keeps a valid override and the defaults beside it", () => {
    const settings = parseSettings({tags: {lifecycle: {dormantDays: 45}}});
    expect(settings.tags.lifecycle.dormantDays).toBe(45);
    expect(settings.tags.frequency.quarterlyMaxGapDays).toBe(92);
  });

  it("names the key, the value and what was expected for a bad value", () => {
    expect(() => parseSettings({tags: {lifecycle: {dormantDays: "30d"}}}, "my.json")).toThrow(
      /my\.json: invalid settings\n {2}key "tags\.lifecycle\.dormantDays": expected number, got "30d"/,
    );
  });

  it("names an unknown key with its full path", () => {
    expect(() => parseSettings({tags: {lifecycel: {}}})).toThrow(/unknown key "tags\.lifecycel"/);
  });

  it("rejects a time zone that does not exist, naming it", () => {
    expect(() => parseSettings({ingest: {timeZone: "Europe/Londn"}})).toThrow(
      /key "ingest\.timeZone": an IANA time zone such as Europe\/London or UTC, got "Europe\/Londn"/,
    );
    expect(parseSettings({ingest: {timeZone: "America/Sao_Paulo"}}).ingest.timeZone).toBe("America/Sao_Paulo");
  });

  it("rejects an out-of-range number naming the value", () => {
    expect(() => parseSettings({tags: {interaction: {readsRate: 1.5}}})).toThrow(
      /key "tags\.interaction\.readsRate": .*<=1, got 1\.5/,
    );
  });
});

describe("settingsReference()", () => {
  it("documents every setting with a sentence", () => {
    const undocumented = settingsReference()
      .filter((s) => s.description.length < 10)
      .map((s) => s.key);
    expect(undocumented).toEqual([]);
  });

  it("matches docs/settings.md (run npm run docs after changing a setting)", () => {
    expect(readFileSync("docs/settings.md", "utf8")).toBe(settingsMarkdown());
  });
});
