import {existsSync, readFileSync} from "node:fs";
import {z} from "zod";
import {describeValue} from "../describe-value.js";
import {activitySettings} from "./activity.js";
import {colourSettings} from "./colours.js";
import {ingestSettings, moneySettings} from "./ingest.js";
import {productSettings} from "./products.js";
import {segmentSettings} from "./segments.js";
import {tagSettings} from "./tags.js";
import {tierSettings} from "./tiers.js";

/**
 * Every setting of tagbook with its default. Each section lives in its own file beside this one,
 * next to the code that reads it; `docs/settings.md` is the reference a user reads.
 */
export const settingsSchema = z
  .object({
    ingest: ingestSettings,
    money: moneySettings,
    tags: tagSettings,
    tiers: tierSettings,
    activity: activitySettings,
    products: productSettings,
    colours: colourSettings,
    segments: segmentSettings,
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

/** The settings file looked for in the working directory when none is named. */
export const DEFAULT_SETTINGS_FILE = "tagbook.settings.json";

/**
 * Settings validated against the schema, with every missing key at its default.
 *
 * @param input Parsed JSON (an object); `{}` gives all defaults.
 * @param source Where the input came from, named in error messages.
 * @throws Error naming the key, the value found and what was expected, one line per problem.
 * @example parseSettings({tags: {lifecycle: {dormantDays: 45}}}).tags.lifecycle.dormantDays // → 45
 */
export function parseSettings(input: unknown, source = "settings"): Settings {
  const result = settingsSchema.safeParse(input);
  if (result.success) return result.data;

  const lines = result.error.issues.map((issue) => {
    const key = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      const where = key ? `${key}.` : "";
      return `unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(", ")}`;
    }
    const value = issue.path.reduce<unknown>(
      (node, part) => (node && typeof node === "object" ? (node as never)[part] : undefined),
      input,
    );
    return `key "${key}": ${issue.message.replace(/^Invalid input: /, "").replace(/, received \w+$/, "")}, got ${describeValue(value)}`;
  });
  throw new Error(`${source}: invalid settings\n  ${lines.join("\n  ")}`);
}

/**
 * Settings read from a JSON file, or all defaults when no file is given and none exists.
 *
 * @param path A settings file; when undefined, `tagbook.settings.json` in the working directory
 *   is used if present (the TAGBOOK_SETTINGS variable names another).
 * @throws Error when a named file is missing, is not JSON, or fails validation.
 */
export function loadSettings(path?: string): Settings {
  const file = path ?? process.env.TAGBOOK_SETTINGS ?? DEFAULT_SETTINGS_FILE;
  if (!existsSync(file)) {
    if (path || process.env.TAGBOOK_SETTINGS) throw new Error(`settings: file not found: ${file}`);
    return parseSettings({});
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new Error(`settings: ${file} is not valid JSON: ${(error as Error).message}`, {cause: error});
  }
  return parseSettings(json, file);
}
