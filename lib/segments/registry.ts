import type {DuckDBConnection} from "@duckdb/node-api";
import {PRODUCT_LISTS, prepareProducts, productListSql, type ProductList} from "../products/lists.js";
import type {Settings} from "../settings/index.js";

/** The WhatsApp message category a list is sent under; consent and caps depend on it. */
export type SegmentCategory = "marketing" | "utility";

/** What a membership query may use: the as-of date (a checked YYYY-MM-DD) and the settings. */
export interface SegmentContext {
  asOf: string;
  settings: Settings;
}

/**
 * One list in the catalogue. Analyses add their own by pushing to SEGMENT_DEFINITIONS (or by a
 * producer in SEGMENT_SOURCES); the send-safety filters in lib/segments/build.ts apply to all.
 */
export interface SegmentDefinition {
  /** Lower-case, dash-separated; used on the command line and in download file names. */
  name: string;
  title: string;
  /** Why a campaign team would send to this list, in one sentence. */
  rationale: string;
  category: SegmentCategory;
  /** An offer that ships goods: shipping-restricted customers are left out. */
  shipsGoods: boolean;
  /** Win-back lists keep customers inactive for settings.segments.inactiveDays or more. */
  isWinBack: boolean;
  /** Where the members come from (module or tag family), shown on the page. */
  source: string;
  /**
   * SQL returning (customer_id VARCHAR, tags VARCHAR, why VARCHAR): one row per member and
   * reason. It may read the warehouse tables and the temp table seg_base (see build.ts).
   */
  membership: (context: SegmentContext) => string;
  /**
   * Temp tables the membership query reads, made once per build however many lists share it
   * (the key names the preparation, so lists of one module prepare once).
   */
  prepare?: {key: string; run: (connection: DuckDBConnection, context: SegmentContext) => Promise<void>};
}

/** A DATE literal for a checked as-of date. */
export function dateSql(asOf: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`segments: as-of ${JSON.stringify(asOf)} is not YYYY-MM-DD`);
  return `DATE '${asOf}'`;
}

/** This drop's tags of one family, as a subquery. */
function snapshot(asOf: string, family: string): string {
  return `(SELECT customer_id, tag, reason FROM tag_snapshots
           WHERE as_of = ${dateSql(asOf)} AND family = '${family.replaceAll("'", "''")}')`;
}

/** Words that say a customer is comparing prices (the follow-up red trigger), several languages. */
const COMPARE_WORDS = ["compare", "comparing", "comparar", "comparer", "vergleichen", "bandingkan", "confrontare", "比较", "비교", "مقارنة"];

/**
 * The built-in catalogue. Until the analysis modules (lib/tiers, lib/products/lists.ts,
 * lib/colours/lists.ts) provide their own lists, each is defined here from tag_snapshots
 * and the warehouse tables, and `source` says so.
 */
export const BUILT_IN_SEGMENTS: SegmentDefinition[] = [
  {
    name: "high-tier-scarcity",
    title: "High tier: scarcity offer",
    rationale: "Top spenders respond to limited, early-access offers; the high tier's cap keeps pushes rare.",
    category: "marketing",
    shipsGoods: true,
    isWinBack: false,
    source: "tag family \"spend tier\", tag high",
    membership: ({asOf}) =>
      `SELECT customer_id, 'spend tier: high' AS tags, reason AS why FROM ${snapshot(asOf, "spend tier")} WHERE tag = 'high'`,
  },
  {
    name: "near-next-tier",
    title: "Near the next tier: threshold nudge",
    rationale: "Customers just below the next tier's boundary are told how much more reaches it.",
    category: "marketing",
    shipsGoods: true,
    isWinBack: false,
    source: "tag family \"spend tier\" and 12-month net spend",
    membership: ({asOf, settings}) => `
      WITH tiers AS (
        SELECT t.customer_id, t.tag, b.spend FROM ${snapshot(asOf, "spend tier")} t JOIN seg_base b USING (customer_id)),
      bounds AS (
        SELECT tag, min(spend) AS lower, avg(spend) AS mean FROM tiers GROUP BY tag),
      ladder AS (
        SELECT tag, lower, lead(tag) OVER (ORDER BY mean) AS next_tag, lead(lower) OVER (ORDER BY mean) AS next_lower
        FROM bounds)
      SELECT t.customer_id, 'spend tier: ' || t.tag AS tags,
        format('12-month net spend {} is {} below the {} tier''s lowest spend {} (nudge within {}%)',
               round(t.spend, 2), round(l.next_lower - t.spend, 2), l.next_tag, round(l.next_lower, 2),
               ${Math.round(settings.segments.nudgeWithin * 100)}) AS why
      FROM tiers t JOIN ladder l USING (tag)
      WHERE l.next_lower IS NOT NULL AND t.spend < l.next_lower
        AND t.spend >= (1 - ${settings.segments.nudgeWithin}) * l.next_lower`,
  },
  {
    name: "promising-low-tier",
    title: "Promising low tier: tutorials",
    rationale: "Low spenders who read a lot are worth teaching (tutorials, not discounts).",
    category: "marketing",
    shipsGoods: false,
    isWinBack: false,
    source: "tag family \"spend tier\" (lowest tier) and messages read in the last 30 days",
    membership: ({asOf, settings}) => `
      WITH tiers AS (
        SELECT t.customer_id, t.tag, b.spend, b.reads_30d FROM ${snapshot(asOf, "spend tier")} t
        JOIN seg_base b USING (customer_id)),
      lowest AS (SELECT arg_min(tag, mean) AS tag FROM (SELECT tag, avg(spend) AS mean FROM tiers GROUP BY tag))
      SELECT customer_id, 'spend tier: ' || tag AS tags,
        format('lowest spend tier, read {} messages in the last 30 days (promising from {})',
               reads_30d, ${settings.segments.promisingReads}) AS why
      FROM tiers WHERE tag = (SELECT tag FROM lowest) AND reads_30d >= ${settings.segments.promisingReads}`,
  },
  {
    name: "dormant-win-back",
    title: "Dormant win-back",
    rationale: "Dormant customers still inside the win-back window; after it they rarely return.",
    category: "marketing",
    shipsGoods: false,
    isWinBack: true,
    source: "tag family \"lifecycle\", tag dormant",
    membership: ({asOf, settings}) => `
      SELECT t.customer_id, 'lifecycle: dormant' AS tags,
        t.reason || format(' (win-back up to {} days)', ${settings.segments.winBackMaxDays}) AS why
      FROM ${snapshot(asOf, "lifecycle")} t JOIN seg_base b USING (customer_id)
      WHERE t.tag = 'dormant' AND b.days_inactive <= ${settings.segments.winBackMaxDays}`,
  },
  {
    name: "red-list",
    title: "Today's red list",
    rationale: "Customers in the decision stage: answer within 24 hours, call first.",
    category: "utility",
    shipsGoods: false,
    isWinBack: false,
    source: "tag family \"colour\" red, else the compare words or a visit over 8 minutes in the last 7 days",
    membership: ({asOf}) => `
      SELECT customer_id, 'colour: red' AS tags, reason AS why FROM ${snapshot(asOf, "colour")} WHERE tag = 'red'
      UNION ALL
      SELECT * FROM (
        SELECT m.customer_id, 'colour: red' AS tags,
          format('wrote "{}" on {}', arg_max(regexp_extract(lower(m.text), '(${COMPARE_WORDS.join("|")})', 1), m.sent_at),
                 strftime(max(m.sent_at), '%Y-%m-%d')) AS why
        FROM messages m
        WHERE m.direction = 'in' AND regexp_matches(lower(m.text), '(${COMPARE_WORDS.join("|")})')
          AND m.sent_at < ${dateSql(asOf)} + INTERVAL 1 DAY AND m.sent_at >= ${dateSql(asOf)} - INTERVAL 6 DAY
        GROUP BY m.customer_id
        UNION ALL
        SELECT customer_id, 'colour: red', format('visited the site for {} minutes on {}', round(max(duration_s) / 60),
               strftime(arg_max("at", duration_s), '%Y-%m-%d'))
        FROM web_events
        WHERE kind = 'visit' AND duration_s > 480
          AND "at" < ${dateSql(asOf)} + INTERVAL 1 DAY AND "at" >= ${dateSql(asOf)} - INTERVAL 6 DAY
        GROUP BY customer_id)
      WHERE NOT EXISTS (SELECT 1 FROM ${snapshot(asOf, "colour")})`,
  },
];

/** The product module's lists (lib/products/lists.ts) under their catalogue names. */
const PRODUCT_SEGMENTS: Record<ProductList, Pick<SegmentDefinition, "name" | "title" | "rationale">> = {
  "cross-sell": {
    name: "bought-a-not-b",
    title: "Bought A, not B: cross-sell",
    rationale: "Customers who bought the first item of a strong association rule but not the second.",
  },
  reorder: {
    name: "due-for-reorder",
    title: "Due for reorder",
    rationale: "Customers who rebuy an item on a cycle, reminded from the trigger day before it is due.",
  },
  seasonal: {
    name: "seasonal-reminder",
    title: "Seasonal reminder",
    rationale: "Customers who bought a seasonal item last season, reminded before the season starts.",
  },
  researched: {
    name: "researched-not-bought",
    title: "Researched, not bought",
    rationale: "Customers who viewed a product often or long and never ordered it.",
  },
};

for (const list of PRODUCT_LISTS) {
  BUILT_IN_SEGMENTS.push({
    ...PRODUCT_SEGMENTS[list],
    category: "marketing",
    shipsGoods: true,
    isWinBack: false,
    source: `lib/products/lists.ts, list ${list}`,
    prepare: {key: "products", run: (connection, {asOf, settings}) => prepareProducts(connection, asOf, settings).then(() => {})},
    membership: ({asOf, settings}) =>
      `SELECT customer_id, list || ': ' || coalesce(product, item) AS tags, reason AS why
       FROM (${productListSql(list, asOf, settings)})`,
  });
}

/** Splits "family:tag" at the first colon. */
export function parseTagRef(ref: string): {family: string; tag: string} {
  const at = ref.indexOf(":");
  if (at <= 0) throw new Error(`segments: tag ${JSON.stringify(ref)} is not "family:tag"`);
  return {family: ref.slice(0, at).trim(), tag: ref.slice(at + 1).trim()};
}

/** The user-defined segments of the settings, as definitions. */
export function customSegments(settings: Settings): SegmentDefinition[] {
  return settings.segments.custom.map((c) => {
    const has = (ref: string) => {
      const {family, tag} = parseTagRef(ref);
      const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
      return `(SELECT customer_id, reason FROM snap WHERE family = ${q(family)} AND tag = ${q(tag)})`;
    };
    const refs = [...c.all, ...c.any];
    return {
      name: c.name,
      title: c.name,
      rationale: c.rationale,
      category: c.category,
      shipsGoods: c.shipsGoods,
      isWinBack: c.isWinBack,
      source: `settings: ${[
        c.all.length ? `all of ${c.all.join(", ")}` : "",
        c.any.length ? `any of ${c.any.join(", ")}` : "",
        c.none.length ? `none of ${c.none.join(", ")}` : "",
      ].filter(Boolean).join("; ")}`,
      membership: ({asOf}) => `
        WITH snap AS (SELECT * FROM tag_snapshots WHERE as_of = ${dateSql(asOf)}),
        members AS (
          SELECT customer_id FROM snap
          ${c.all.map((r) => `INTERSECT SELECT customer_id FROM ${has(r)}`).join("\n          ")}
          ${c.any.length ? `INTERSECT (${c.any.map((r) => `SELECT customer_id FROM ${has(r)}`).join(" UNION ")})` : ""}
          ${c.none.map((r) => `EXCEPT SELECT customer_id FROM ${has(r)}`).join("\n          ")})
        SELECT s.customer_id, s.family || ': ' || s.tag AS tags, s.reason AS why
        FROM snap s JOIN members USING (customer_id)
        WHERE (s.family || ':' || s.tag) IN (${refs.map((r) => {
          const {family, tag} = parseTagRef(r);
          return `'${`${family}:${tag}`.replaceAll("'", "''")}'`;
        }).join(", ")})`,
    };
  });
}

/**
 * Lists analyses register at import time (lib/tiers, lib/products/lists.ts, lib/colours/lists.ts);
 * one with the same name as a built-in replaces it.
 */
export const SEGMENT_DEFINITIONS: SegmentDefinition[] = [];

/**
 * The whole catalogue for a drop: built-ins (replaced by registered lists of the same name), the
 * registered lists, then the user's tag combinations, with shipsGoods taken from the settings
 * for catalogue lists.
 *
 * @throws Error naming a custom segment whose name clashes with a catalogue list.
 */
export function segmentCatalogue(settings: Settings): SegmentDefinition[] {
  const byName = new Map<string, SegmentDefinition>();
  for (const d of [...BUILT_IN_SEGMENTS, ...SEGMENT_DEFINITIONS]) byName.set(d.name, d);
  const ships = new Set(settings.segments.shipsGoods);
  const catalogue = [...byName.values()].map((d) => ({...d, shipsGoods: ships.has(d.name)}));
  for (const custom of customSegments(settings)) {
    if (byName.has(custom.name)) {
      throw new Error(`settings: segments.custom name "${custom.name}" is already a catalogue segment`);
    }
    catalogue.push(custom);
  }
  return catalogue;
}
