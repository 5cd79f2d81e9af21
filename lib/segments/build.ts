import type {DuckDBConnection} from "@duckdb/node-api";
import {createCustomerSendWindows} from "../activity/send-window.js";
import {createEventZoneOffsets, customerZonesSql, localDateSql, offsetJoinSql} from "../activity/local-time.js";
import {queryRows, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {dateSql, segmentCatalogue, type SegmentDefinition} from "./registry.js";

/**
 * Why a member is left out of a list, in the order the rules are checked. A member left out for
 * several reasons is counted under the first, so the counts of a list add up to its members;
 * seg_exclusions keeps every reason.
 */
export const EXCLUSION_REASONS = [
  {step: 1, reason: "duplicate number", rule: "another customer id with the same WhatsApp number stays on the list"},
  {step: 2, reason: "no consent", rule: "not opted in for the list's category (no answer counts as no)"},
  {step: 3, reason: "inactive", rule: "no order or message for inactiveDays or more (win-back lists keep them)"},
  {step: 4, reason: "no-marketing country", rule: "marketing template to a country where they are not delivered"},
  {step: 5, reason: "shipping restricted", rule: "the offer ships goods and the customer's area is restricted"},
  {step: 6, reason: "frequency cap", rule: "received the cap of marketing messages in the cap window"},
] as const;

export type ExclusionReason = (typeof EXCLUSION_REASONS)[number]["reason"];

/** One list's size and who was left out, for the command and the page. */
export interface SegmentSummary {
  name: string;
  title: string;
  rationale: string;
  category: "marketing" | "utility";
  shipsGoods: boolean;
  isWinBack: boolean;
  source: string;
  members: number;
  sendable: number;
  freeForm: number;
  template: number;
  /** Members left out, by first reason (sums to members − sendable). */
  excluded: Record<ExclusionReason, number>;
  /** Members for whom each rule holds, whatever other rule also holds. */
  anyReason: Record<ExclusionReason, number>;
}

/** The columns of a list row, in download order; contact columns can be left out of the site. */
export const ROW_COLUMNS = [
  "customer_id",
  "name",
  "phone",
  "wa_id",
  "country",
  "language",
  "time_zone",
  "message_kind",
  "next_send_utc",
  "next_send_local",
  "send_window_source",
  "tags",
  "why",
] as const;

/** Full contact details: in CLI exports always, in the site's downloads only when the settings allow. */
export const CONTACT_COLUMNS = new Set(["name", "phone", "wa_id"]);

/**
 * Builds the send-safe lists as of a date into temp tables of the open connection:
 *
 * - seg_base: one row per customer with everything the rules need, merged by WhatsApp number
 *   (consent, marketing messages in the cap window, last inbound message, days inactive);
 * - seg_members(segment, customer_id, tags, why): who each list's definition selects;
 * - seg_exclusions(segment, customer_id, step, reason, detail): every rule that leaves a member out;
 * - seg_rows: the members no rule leaves out, with their send window and message kind.
 *
 * The as-of end is the end of the as-of date in each customer's own zone; day counts are whole
 * local calendar days.
 *
 * @param only Build just these lists (the download loaders build one each).
 * @throws Error naming an unknown list in `only`.
 */
export async function buildSegments(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
  only?: string[],
): Promise<SegmentSummary[]> {
  builtFor.delete(connection); // the seg_* tables are about to change
  const all = segmentCatalogue(settings);
  for (const name of only ?? []) {
    if (!all.some((d) => d.name === name)) {
      throw new Error(`segments: unknown segment "${name}"; the catalogue has ${all.map((d) => d.name).join(", ")}`);
    }
  }
  const catalogue = only ? all.filter((d) => only.includes(d.name)) : all;
  const context = {asOf, settings};
  await createBase(connection, asOf, settings);

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE seg_catalogue (
       segment VARCHAR, position INTEGER, category VARCHAR, ships_goods BOOLEAN, is_win_back BOOLEAN)`,
    "segments",
  );
  await run(
    connection,
    "CREATE OR REPLACE TEMP TABLE seg_raw (segment VARCHAR, customer_id VARCHAR, tags VARCHAR, why VARCHAR)",
    "segments",
  );
  const prepared = new Set<string>();
  for (const [position, d] of catalogue.entries()) {
    await run(
      connection,
      "INSERT INTO seg_catalogue VALUES ($name, $position, $category, $ships, $winBack)",
      "segments",
      {name: d.name, position, category: d.category, ships: d.shipsGoods, winBack: d.isWinBack},
    );
    if (d.prepare && !prepared.has(d.prepare.key)) {
      await d.prepare.run(connection, context);
      prepared.add(d.prepare.key);
    }
    await run(
      connection,
      `INSERT INTO seg_raw SELECT ${sqlString(d.name)}, CAST(customer_id AS VARCHAR), CAST(tags AS VARCHAR),
         CAST(why AS VARCHAR) FROM (${d.membership(context)})`,
      `segment ${d.name}`,
    );
  }
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE seg_members AS
     SELECT segment, customer_id,
       array_to_string(list_sort(list_distinct(list(tags))), '; ') AS tags,
       array_to_string(list_sort(list_distinct(list(why))), '; ') AS why
     FROM seg_raw WHERE customer_id IN (SELECT customer_id FROM seg_base)
     GROUP BY segment, customer_id`,
    "segments",
  );
  await createExclusions(connection, settings);
  await createRows(connection);
  return summarise(connection, catalogue);
}

/** SQL "a IN (...)" for a list of texts, false when the list is empty. */
function inList(column: string, values: string[]): string {
  return values.length ? `${column} IN (${values.map(sqlString).join(", ")})` : "false";
}

async function createBase(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const s = settings.segments;
  const day = dateSql(asOf);
  const shopZone = sqlString(settings.ingest.timeZone);
  const tierCaps = Object.entries(s.tierCaps);
  const capSql = tierCaps.length
    ? `CASE ${tierCaps.map(([tier, cap]) => `WHEN s.tier = ${sqlString(tier)} THEN ${cap}`).join(" ")} ELSE ${s.frequencyCap} END`
    : String(s.frequencyCap);
  await createCustomerSendWindows(connection, asOf, settings);
  await createEventZoneOffsets(connection, customerZonesSql(settings.ingest.timeZone), "segment base");
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE seg_base AS
     WITH people AS (
       SELECT c.customer_id, b.wa_id, c.name, b.country, b.time_zone,
         CASE WHEN b.time_zone = 'unknown' THEN ${shopZone} ELSE b.time_zone END AS zone,
         lower(b.language) AS language, coalesce(b.shipping_restricted, false) AS shipping_restricted,
         c.opted_in_marketing, c.opted_in_utility, coalesce(b.wa_id, 'id:' || c.customer_id) AS number_key
       FROM customers c JOIN customer_basics b ON b.customer_id = c.customer_id AND b.as_of = ${day}),
     -- The end of the as-of day per zone (a few dozen conversions, not one per customer).
     zone_ends AS (
       SELECT zone, timezone(zone, CAST(${day} + 1 AS TIMESTAMP)) AS as_of_end FROM (SELECT DISTINCT zone FROM people)),
     ends AS (SELECT p.*, z.as_of_end FROM people p JOIN zone_ends z USING (zone)),
     -- Local dates through zone_hour_offsets: timezone(zone, ts) on every message row was most of
     -- this step's time on 100k customers.
     msgs AS (
       SELECT customer_id,
         count(*) FILTER (WHERE direction = 'out' AND category = 'marketing' AND sent_date > ${day} - ${s.capWindowDays}) AS marketing_recent,
         max(sent_at) FILTER (WHERE direction = 'in') AS last_inbound_at,
         max(sent_date) FILTER (WHERE direction = 'in') AS last_inbound_day,
         count(*) FILTER (WHERE direction = 'out' AND read_at < as_of_end AND read_date > ${day} - 30) AS reads_30d
       FROM (
         SELECT e.customer_id, e.as_of_end, m.direction, m.category, m.sent_at, m.read_at,
           ${localDateSql("m.sent_at", "e.zone", "zs")} AS sent_date, ${localDateSql("m.read_at", "e.zone", "zr")} AS read_date
         FROM ends e JOIN messages m ON m.customer_id = e.customer_id AND m.sent_at < e.as_of_end
         LEFT JOIN zone_hour_offsets zs ON ${offsetJoinSql("m.sent_at", "e.zone", "zs")}
         LEFT JOIN zone_hour_offsets zr ON ${offsetJoinSql("m.read_at", "e.zone", "zr")})
       GROUP BY customer_id),
     buys AS (
       SELECT customer_id,
         max(local_date) FILTER (WHERE status = 'paid') AS last_order_day,
         coalesce(sum(amount) FILTER (WHERE status = 'paid'
           AND local_date > ${day} - INTERVAL ${settings.tiers.windowMonths} MONTH), 0)
         - coalesce(sum(amount) FILTER (WHERE status = 'refunded'
           AND local_date > ${day} - INTERVAL ${settings.tiers.windowMonths} MONTH), 0) AS spend
       FROM (
         SELECT e.customer_id, o.status, o.amount, ${localDateSql("o.ordered_at", "e.zone", "zo")} AS local_date
         FROM ends e JOIN orders o ON o.customer_id = e.customer_id AND o.ordered_at < e.as_of_end
         LEFT JOIN zone_hour_offsets zo ON ${offsetJoinSql("o.ordered_at", "e.zone", "zo")})
       GROUP BY customer_id),
     tiers AS (
       SELECT customer_id, any_value(tag) AS tier FROM tag_snapshots
       WHERE as_of = ${day} AND family = 'spend tier' GROUP BY customer_id),
     single AS (
       SELECT e.*, coalesce(m.marketing_recent, 0) AS own_marketing_recent, m.last_inbound_at,
         coalesce(m.reads_30d, 0) AS reads_30d, coalesce(CAST(u.spend AS DOUBLE), 0) AS spend,
         ${day} - greatest(u.last_order_day, m.last_inbound_day) AS own_days_inactive, t.tier
       FROM ends e LEFT JOIN msgs m USING (customer_id) LEFT JOIN buys u USING (customer_id)
       LEFT JOIN tiers t USING (customer_id)),
     numbers AS (
       -- One WhatsApp number is one person: an explicit "no" under any id wins, messages to every
       -- id count against the cap, and the latest activity of any id counts.
       SELECT number_key,
         coalesce(bool_or(opted_in_marketing IS TRUE) AND NOT bool_or(opted_in_marketing IS FALSE), false) AS consent_marketing,
         coalesce(bool_or(opted_in_utility IS TRUE) AND NOT bool_or(opted_in_utility IS FALSE), false) AS consent_utility,
         sum(own_marketing_recent) AS marketing_recent, max(last_inbound_at) AS number_last_inbound_at,
         min(own_days_inactive) AS days_inactive, count(*) AS ids
       FROM single GROUP BY number_key)
     SELECT s.*, n.consent_marketing, n.consent_utility, n.marketing_recent, n.days_inactive, n.ids,
       n.number_last_inbound_at, ${capSql} AS cap,
       -- Free-form only if the customer's 24-hour window is still open when the list is sent: at
       -- the next send window (the end of the as-of day when it has none).
       coalesce(n.number_last_inbound_at > coalesce(w.window_start_utc, s.as_of_end) - INTERVAL 24 HOUR, false) AS free_form,
       w.window_start_utc, w.window_start_local, w.window_end_local, w.window_source
     FROM single s JOIN numbers n USING (number_key)
     LEFT JOIN customer_send_window w USING (customer_id)`,
    "segment base",
  );
}

async function createExclusions(connection: DuckDBConnection, settings: Settings): Promise<void> {
  const s = settings.segments;
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE seg_exclusions AS
     WITH m AS (
       SELECT m.segment, k.category, k.ships_goods, k.is_win_back, b.*,
         row_number() OVER same_number AS number_rank, first_value(b.customer_id) OVER same_number AS kept_id
       FROM seg_members m JOIN seg_catalogue k USING (segment) JOIN seg_base b USING (customer_id)
       WINDOW same_number AS (PARTITION BY m.segment, b.number_key
                              ORDER BY b.own_days_inactive NULLS LAST, b.customer_id))
     SELECT segment, customer_id, 1 AS step, 'duplicate number' AS reason,
       format('same WhatsApp number +{} as {}, which stays on the list', wa_id, kept_id) AS detail
     FROM m WHERE number_rank > 1
     UNION ALL
     SELECT segment, customer_id, 2, 'no consent',
       format('{} list: {}', category,
         CASE WHEN (CASE WHEN category = 'marketing' THEN opted_in_marketing ELSE opted_in_utility END) IS NULL
                AND ids = 1 THEN 'opt-in not recorded'
              WHEN ids > 1 THEN 'not opted in under every id of the number'
              ELSE 'opted out' END)
     FROM m WHERE NOT (CASE WHEN category = 'marketing' THEN consent_marketing ELSE consent_utility END)
     UNION ALL
     SELECT segment, customer_id, 3, 'inactive',
       CASE WHEN days_inactive IS NULL THEN 'no order or message from the customer yet'
            ELSE format('{} days since the last order or message (limit {})', days_inactive, ${s.inactiveDays}) END
     FROM m WHERE NOT is_win_back AND (days_inactive IS NULL OR days_inactive >= ${s.inactiveDays})
     UNION ALL
     SELECT segment, customer_id, 4, 'no-marketing country',
       format('{} does not deliver marketing templates, and no customer message in the last 24 hours', country)
     FROM m WHERE category = 'marketing' AND ${inList("country", s.noMarketingCountries.map((c) => c.toUpperCase()))}
       AND NOT free_form
     UNION ALL
     SELECT segment, customer_id, 5, 'shipping restricted', 'area on the shipping-restricted list'
     FROM m WHERE ships_goods AND shipping_restricted
     UNION ALL
     SELECT segment, customer_id, 6, 'frequency cap',
       format('{} marketing messages in the last {} days (cap {}{})', marketing_recent, ${s.capWindowDays}, cap,
              CASE WHEN tier IS NULL THEN '' ELSE ', tier ' || tier END)
     FROM m WHERE category = 'marketing' AND marketing_recent >= cap`,
    "segment exclusions",
  );
}

async function createRows(connection: DuckDBConnection): Promise<void> {
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE seg_rows AS
     SELECT m.segment, k.position, b.customer_id, b.name,
       CASE WHEN b.wa_id IS NULL THEN NULL ELSE '+' || b.wa_id END AS phone, b.wa_id, b.country,
       b.language, b.time_zone,
       CASE WHEN b.free_form THEN 'free-form' ELSE 'template' END AS message_kind,
       strftime(timezone('UTC', b.window_start_utc), '%Y-%m-%dT%H:%M:%SZ') AS next_send_utc,
       strftime(b.window_start_local, '%Y-%m-%d %H:%M') || '–' || strftime(b.window_end_local, '%H:%M')
         AS next_send_local,
       b.window_source || CASE WHEN b.time_zone = 'unknown' THEN ' (shop time zone: customer zone unknown)' ELSE '' END
         AS send_window_source,
       m.tags, m.why
     FROM seg_members m JOIN seg_catalogue k USING (segment) JOIN seg_base b USING (customer_id)
     WHERE NOT EXISTS (
       SELECT 1 FROM seg_exclusions x WHERE x.segment = m.segment AND x.customer_id = m.customer_id)`,
    "segment rows",
  );
}

async function summarise(connection: DuckDBConnection, catalogue: SegmentDefinition[]): Promise<SegmentSummary[]> {
  const counts = await queryRows<{segment: string; members: number; sendable: number; free_form: number}>(
    connection,
    `SELECT k.segment,
       (SELECT count(*) FROM seg_members m WHERE m.segment = k.segment) AS members,
       (SELECT count(*) FROM seg_rows r WHERE r.segment = k.segment) AS sendable,
       (SELECT count(*) FROM seg_rows r WHERE r.segment = k.segment AND r.message_kind = 'free-form') AS free_form
     FROM seg_catalogue k`,
    "segment summary",
  );
  const reasons = await queryRows<{segment: string; reason: ExclusionReason; first: number; any: number}>(
    connection,
    `WITH firsts AS (SELECT segment, customer_id, min(step) AS step FROM seg_exclusions GROUP BY ALL)
     SELECT x.segment, x.reason, count(*) FILTER (WHERE f.step = x.step) AS first, count(*) AS any
     FROM seg_exclusions x JOIN firsts f USING (segment, customer_id) GROUP BY ALL`,
    "segment summary",
  );
  return catalogue.map((d) => {
    const c = counts.find((r) => r.segment === d.name);
    const zero = () => Object.fromEntries(EXCLUSION_REASONS.map((r) => [r.reason, 0])) as Record<ExclusionReason, number>;
    const excluded = zero();
    const anyReason = zero();
    for (const r of reasons.filter((x) => x.segment === d.name)) {
      excluded[r.reason] = r.first;
      anyReason[r.reason] = r.any;
    }
    const sendable = c?.sendable ?? 0;
    return {
      name: d.name,
      title: d.title,
      rationale: d.rationale,
      category: d.category,
      shipsGoods: d.shipsGoods,
      isWinBack: d.isWinBack,
      source: d.source,
      members: c?.members ?? 0,
      sendable,
      freeForm: c?.free_form ?? 0,
      template: sendable - (c?.free_form ?? 0),
      excluded,
      anyReason,
    };
  });
}

/**
 * SQL for one list's rows (after buildSegments), ordered by customer id, for writeQuery.
 *
 * @param contacts Whether name, phone and wa_id are included (the site leaves them out when
 *   settings.segments.contactsInSite is false).
 * @param segment One list's name, or undefined for every list with a leading segment column.
 */
export function segmentRowsSql(segment: string | undefined, contacts: boolean): string {
  const columns = ROW_COLUMNS.filter((c) => contacts || !CONTACT_COLUMNS.has(c));
  if (segment === undefined) {
    return `SELECT segment, ${columns.join(", ")} FROM seg_rows ORDER BY position, customer_id`;
  }
  return `SELECT ${columns.join(", ")} FROM seg_rows WHERE segment = ${sqlString(segment)} ORDER BY customer_id`;
}

/** The temp tables of buildSegments that are kept in the warehouse, as saved_<name>. */
const SAVED_TABLES = ["seg_catalogue", "seg_members", "seg_exclusions", "seg_rows"];

/**
 * Builds every list once and keeps the result in the warehouse (saved_seg_* tables), so the
 * site's loaders and the export command read finished lists instead of each rebuilding them:
 * the site has two downloads per list, and each rebuild costs the send-window computation.
 * The saved lists are tied to the as-of date and to the settings they were built with.
 */
export async function saveSegments(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  await buildSegments(connection, asOf, settings);
  for (const table of SAVED_TABLES) {
    await run(connection, `CREATE OR REPLACE TABLE saved_${table} AS SELECT * FROM ${table}`, "save segments");
  }
  await run(
    connection,
    "CREATE OR REPLACE TABLE saved_seg_meta AS SELECT CAST($asOf AS DATE) AS as_of, $settings AS settings",
    "save segments",
    {asOf, settings: JSON.stringify(settings)},
  );
}

/**
 * The lists as of a date: the saved ones when they were built for this date with these settings
 * (exposed as the usual seg_* names), else built now.
 *
 * @param only Restrict a fresh build to these lists (a saved build always holds them all).
 */
export async function segmentsAsOf(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
  only?: string[],
): Promise<SegmentSummary[]> {
  const saved = await queryRows<{n: number}>(
    connection,
    `SELECT count(*) AS n FROM duckdb_tables() t
     WHERE t.table_name = 'saved_seg_meta' AND NOT t.temporary`,
    "saved segments",
  );
  if (saved[0]?.n) {
    const meta = await queryRows<{as_of: string; settings: string}>(
      connection,
      "SELECT as_of, settings FROM saved_seg_meta",
      "saved segments",
    );
    if (meta[0]?.as_of === asOf && meta[0]?.settings === JSON.stringify(settings)) {
      for (const table of SAVED_TABLES) {
        await run(connection, `CREATE OR REPLACE TEMP VIEW ${table} AS SELECT * FROM saved_${table}`, "saved segments");
      }
      return summarise(connection, segmentCatalogue(settings));
    }
  }
  // Built once per connection for a date, settings and list choice: the site's downloads ask
  // for every list in turn, and each build took tens of seconds on 100k customers.
  const key = JSON.stringify([asOf, settings, only ?? null]);
  const built = builtFor.get(connection);
  if (built?.key === key) return built.summary;
  const summary = await buildSegments(connection, asOf, settings, only);
  builtFor.set(connection, {key, summary});
  return summary;
}

const builtFor = new WeakMap<DuckDBConnection, {key: string; summary: SegmentSummary[]}>();
