import {readFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {z} from "zod";
import {parseSettings, settingsSchema} from "./index.js";

/** One documented setting: its dotted key, accepted values, default and the comment above it. */
export interface SettingReference {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

/** The source file that defines each top-level section (its comments are the documentation). */
const SECTION_FILES: Record<string, [file: string, schema: string]> = {
  ingest: ["ingest.ts", "ingestSettings"],
  money: ["ingest.ts", "moneySettings"],
  tags: ["tags.ts", "tagSettings"],
  tiers: ["tiers.ts", "tierSettings"],
  activity: ["activity.ts", "activitySettings"],
  products: ["products.ts", "productSettings"],
  colours: ["colours.ts", "colourSettings"],
  segments: ["segments.ts", "segmentSettings"],
};

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Every leaf setting with its default and description, in the order of the schema.
 *
 * Descriptions come from the schema (`.describe()`, for keys built by a shared helper) or else
 * from the `/** … *\/` comment written above each key in lib/settings/*.ts, so the reference
 * page, `docs/settings.md` and the code never disagree. The reference test lists keys without one.
 */
export function settingsReference(): SettingReference[] {
  const defaults = parseSettings({}) as unknown as Record<string, unknown>;
  const out: SettingReference[] = [];
  for (const [section, schema] of Object.entries(settingsSchema.shape)) {
    const [file, schemaName] = SECTION_FILES[section] ?? [];
    const source = file ? readFileSync(join(HERE, file), "utf8") : "";
    // Comments are read from the section's own schema on, not from helpers declared above it.
    const cursor = {at: Math.max(0, source.indexOf(`export const ${schemaName}`))};
    walk(section, schema as z.ZodType, defaults[section], source, cursor, out);
  }
  return out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema;
  for (;;) {
    const def = (inner as unknown as {def: {type: string; innerType?: z.ZodType}}).def;
    if ((def.type === "default" || def.type === "prefault" || def.type === "optional") && def.innerType) {
      inner = def.innerType;
    } else return inner;
  }
}

function walk(
  key: string,
  schema: z.ZodType,
  value: unknown,
  source: string,
  cursor: {at: number},
  out: SettingReference[],
): void {
  const inner = unwrap(schema);
  const def = (inner as unknown as {def: {type: string}}).def;
  if (def.type === "object") {
    const shape = (inner as z.ZodObject).shape;
    for (const [name, child] of Object.entries(shape)) {
      const comment = commentBefore(source, name, cursor);
      const description = describedAs(child as z.ZodType) ?? comment;
      const childKey = `${key}.${name}`;
      const childInner = unwrap(child as z.ZodType);
      if ((childInner as unknown as {def: {type: string}}).def.type === "object") {
        walk(childKey, child as z.ZodType, (value as Record<string, unknown>)?.[name], source, cursor, out);
      } else {
        out.push({
          key: childKey,
          type: describeType(childInner),
          default: (value as Record<string, unknown>)?.[name],
          description,
        });
      }
    }
  }
}

/** A description given in the schema itself (`.describe()`), on the key or on what it wraps. */
function describedAs(schema: z.ZodType): string | undefined {
  let inner: z.ZodType | undefined = schema;
  while (inner) {
    if (inner.description) return inner.description;
    const wrapped: {def: {innerType?: z.ZodType}} = inner as unknown as {def: {innerType?: z.ZodType}};
    inner = wrapped.def.innerType;
  }
  return undefined;
}

/** The doc comment directly above the next `name:` in the source after the cursor. */
function commentBefore(source: string, name: string, cursor: {at: number}): string {
  // Keys may start a line or follow "{" or "," on one line (small inline objects).
  const pattern = new RegExp(`(^\\s*|[{,]\\s*)${name}\\s*:`, "m");
  const rest = source.slice(cursor.at);
  const match = pattern.exec(rest);
  if (!match) return "";
  const position = cursor.at + match.index;
  cursor.at = position + match[0].length;
  const before = source.slice(0, position).trimEnd();
  if (!before.endsWith("*/")) return "";
  const start = before.lastIndexOf("/**");
  return before
    .slice(start + 3, -2)
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, "").trim())
    .join(" ")
    .trim();
}

function describeType(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, {unrepresentable: "any"}) as Record<string, unknown>;
  if (Array.isArray(json.enum)) return json.enum.map((v) => JSON.stringify(v)).join(" | ");
  const type = json.type;
  if (type === "integer" || type === "number") {
    const lo = json.minimum ?? json.exclusiveMinimum;
    const hi = json.maximum;
    const range = [lo !== undefined ? `≥ ${lo}` : "", hi !== undefined && Number(hi) < 1e15 ? `≤ ${hi}` : ""]
      .filter(Boolean)
      .join(", ");
    return range ? `${type} (${range})` : String(type);
  }
  if (type === "array") return "list";
  if (type === "object") return "map";
  return String(type ?? "value");
}

/** The settings reference as a Markdown document (docs/settings.md is generated from this). */
export function settingsMarkdown(): string {
  const rows = settingsReference().map(
    (s) =>
      `| \`${s.key}\` | ${s.type.replaceAll("|", "\\|")} | \`${JSON.stringify(s.default)?.replaceAll("|", "\\|")}\` | ${s.description.replaceAll("|", "\\|")} |`,
  );
  return [
    "# Settings reference",
    "",
    "tagbook reads `tagbook.settings.json` from the working directory (or the file named by",
    "`--settings` or `TAGBOOK_SETTINGS`). Every key is optional; a missing key takes the default",
    "below. An unknown key or a bad value stops every command with a message naming the key, the",
    "value and what was expected. This page is generated from the code: `npm run docs`.",
    "",
    "| key | accepts | default | meaning |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(settingsMarkdown());
}
