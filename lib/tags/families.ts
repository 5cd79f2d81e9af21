import type {DuckDBConnection} from "@duckdb/node-api";
import {daysAgoSql, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {createEventZoneOffsets, localTimestampSql, offsetJoinSql} from "../activity/local-time.js";

/**
 * The temp tables of events in each customer's local calendar, built once per tagging run and read
 * by every family that counts local days (facts, spend tiers, follow-up colours):
 *
 * - `local_orders(customer_id, order_id, status, amount, currency, ordered_at, local_date)`;
 * - `local_messages(customer_id, message_id, direction, text, sent_at, read_at, delivered_at,
 *   campaign_id, category, local_date, read_date)`, text for customer messages only (nothing
 *   reads the shop's own words, and they were half of the table's bytes);
 * - `local_web(customer_id, kind, duration_s, at, local_date)`;
 * - `customer_first_seen(customer_id, first_seen_date)`.
 *
 * Needs customer_zone. Each instant is converted through zone_hour_offsets (one join per instant
 * column) rather than timezone(zone, ts) on every row, which measured several times slower on
 * millions of messages; hours holding a clock change fall back to timezone() row by row.
 */
export async function createLocalEvents(
  connection: DuckDBConnection,
  label: string,
): Promise<void> {
  await createEventZoneOffsets(connection, "SELECT zone FROM customer_zone", label);
  const localDate = (instant: string, alias: string) =>
    `CAST(${localTimestampSql(instant, "z.zone", alias)} AS DATE)`;
  const join = (instant: string, alias: string) =>
    `LEFT JOIN zone_hour_offsets ${alias} ON ${offsetJoinSql(instant, "z.zone", alias)}`;
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE local_orders AS
     SELECT o.customer_id, o.order_id, o.status, o.amount, o.currency, o.ordered_at,
            ${localDate("o.ordered_at", "zo")} AS local_date
     FROM orders o JOIN customer_zone z USING (customer_id) ${join("o.ordered_at", "zo")}`,
    label,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE local_messages AS
     SELECT m.customer_id, m.message_id, m.direction, CASE WHEN m.direction = 'in' THEN m.text END AS text,
            m.sent_at, m.read_at, m.delivered_at,
            m.campaign_id, m.category,
            ${localDate("m.sent_at", "zs")} AS local_date, ${localDate("m.read_at", "zr")} AS read_date
     FROM messages m JOIN customer_zone z USING (customer_id)
     ${join("m.sent_at", "zs")} ${join("m.read_at", "zr")}`,
    label,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE local_web AS
     SELECT w.customer_id, w.kind, w.duration_s, w."at", ${localDate('w."at"', "zw")} AS local_date
     FROM web_events w JOIN customer_zone z USING (customer_id) ${join('w."at"', "zw")}`,
    label,
  );
  // One row per customer, and first_seen_at can reach years before any event (which would widen
  // the offset table a lot), so these few are converted one by one.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE customer_first_seen AS
     SELECT z.customer_id, min(CAST(timezone(z.zone, c.first_seen_at) AS DATE)) AS first_seen_date
     FROM customers c JOIN customer_zone z USING (customer_id)
     GROUP BY z.customer_id`,
    label,
  );
}

/**
 * Drops the tables createLocalEvents made, once the tagging run's producers have read them: on a
 * million customers they hold tens of millions of rows, spilled to disk.
 */
export async function dropLocalEvents(connection: DuckDBConnection, label: string): Promise<void> {
  for (const table of ["local_orders", "local_messages", "local_web"]) {
    await run(connection, `DROP TABLE IF EXISTS ${table}`, label);
  }
}

/**
 * Per-customer facts as of a date, in each customer's local calendar (temp table customer_facts).
 *
 * Dates are local calendar dates in the customer's zone, so several orders on one local day are
 * one purchase day and day counts are whole calendar days across daylight-saving changes.
 * Customers whose zone is unknown are counted in the shop's zone (settings.ingest.timeZone), and
 * their reasons say so. Only events up to the end of the as-of date count.
 */
export async function computeFacts(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `customer facts as of ${asOf}`;
  const shopZone = sqlString(settings.ingest.timeZone);
  const f = settings.tags.frequency;
  const i = settings.tags.interaction;
  const params = {asOf};
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE customer_zone AS
     SELECT customer_id, CASE WHEN time_zone = 'unknown' THEN ${shopZone} ELSE time_zone END AS zone,
            time_zone = 'unknown' AS zone_unknown
     FROM customer_basics WHERE as_of = CAST($asOf AS DATE)`,
    label,
    params,
  );
  await createLocalEvents(connection, label);
  const reporting = settings.money.reportingCurrency;
  const rateValues = [
    [reporting, 1] as const,
    ...Object.entries(settings.money.rates).filter(([c]) => c !== reporting),
  ]
    .map(([c, r]) => `(${sqlString(c)}, CAST(${r} AS DECIMAL(38,10)))`)
    .join(", ");
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE customer_facts AS
     WITH cutoff AS (SELECT CAST($asOf AS DATE) AS d),
     paid AS (
       SELECT o.* FROM local_orders o, cutoff WHERE o.status = 'paid' AND o.local_date <= cutoff.d),
     days AS (
       SELECT customer_id,
         list(DISTINCT local_date ORDER BY local_date) FILTER (WHERE local_date > (SELECT d FROM cutoff) - INTERVAL ${f.windowMonths} MONTH) AS days_window,
         count(DISTINCT local_date) AS purchase_days, min(local_date) AS first_purchase, max(local_date) AS last_purchase,
         count(*) AS orders_total
       FROM paid GROUP BY customer_id),
     -- Orders in several currencies are averaged in the reporting currency through money.rates
     -- (never as if 1 USD were 1 CNY); with a rate missing there is no mean, and the reason says so.
     rates(currency, rate) AS (VALUES ${rateValues}),
     win AS (
       SELECT p.*, r.rate FROM paid p LEFT JOIN rates r USING (currency)
       WHERE p.local_date > (SELECT d FROM cutoff) - INTERVAL ${f.windowMonths} MONTH),
     value AS (
       SELECT customer_id,
              CASE WHEN count(DISTINCT currency) > 1 THEN ${sqlString(reporting)} ELSE any_value(currency) END AS currency,
              CASE WHEN count(DISTINCT currency) = 1 THEN avg(amount)
                   WHEN bool_and(rate IS NOT NULL) THEN avg(amount * rate) END AS mean_order_value,
              CASE WHEN count(DISTINCT currency) > 1 THEN string_agg(DISTINCT currency, ', ' ORDER BY currency) END AS mixed_currencies,
              count(*) AS orders_window
       FROM win GROUP BY customer_id),
     msgs AS (
       SELECT m.customer_id,
         max(m.local_date) FILTER (WHERE m.direction = 'in') AS last_inbound,
         max(m.read_date) FILTER (WHERE m.direction = 'out' AND m.read_date <= cutoff.d) AS last_read,
         count(*) FILTER (WHERE m.direction = 'out' AND m.local_date > cutoff.d - ${i.windowDays}) AS out_window,
         -- A read message was delivered, whether or not the export kept its delivered status.
         count(*) FILTER (WHERE m.direction = 'out' AND m.local_date > cutoff.d - ${i.windowDays}
                          AND (m.delivered_at IS NOT NULL OR m.read_at IS NOT NULL)) AS delivered_window,
         count(*) FILTER (WHERE m.direction = 'out' AND m.local_date > cutoff.d - ${i.windowDays} AND m.read_date <= cutoff.d) AS read_window,
         count(*) FILTER (WHERE m.direction = 'out' AND m.local_date > cutoff.d - ${i.unreadDays}) AS out_unread_window,
         count(*) FILTER (WHERE m.direction = 'out' AND m.local_date > cutoff.d - ${i.unreadDays} AND m.read_date <= cutoff.d) AS read_unread_window,
         count(*) FILTER (WHERE m.direction = 'out' AND m.local_date > cutoff.d - ${i.unreadDays}
                          AND (m.delivered_at IS NOT NULL OR m.read_at IS NOT NULL)) AS delivered_unread_window,
         count(*) AS messages_total
       FROM local_messages m, cutoff WHERE m.local_date <= cutoff.d GROUP BY m.customer_id),
     replies AS (
       -- An outbound message is answered when the customer writes within 24 hours after it and
       -- before the next outbound message (an ASOF join finds that outbound message).
       SELECT i.customer_id, count(DISTINCT o.message_id) AS replied_window
       FROM local_messages i
       ASOF JOIN local_messages o
         ON o.customer_id = i.customer_id AND o.direction = 'out' AND i.sent_at >= o.sent_at, cutoff
       WHERE i.direction = 'in' AND i.local_date <= cutoff.d AND o.local_date > cutoff.d - ${i.windowDays}
         AND i.sent_at - o.sent_at <= INTERVAL 24 HOUR
       GROUP BY i.customer_id)
     SELECT z.customer_id, z.zone, z.zone_unknown, (SELECT d FROM cutoff) AS as_of,
       coalesce(d.days_window, []) AS days_window, coalesce(d.purchase_days, 0) AS purchase_days,
       d.first_purchase, d.last_purchase, coalesce(d.orders_total, 0) AS orders_total,
       v.currency, v.mean_order_value, v.mixed_currencies, coalesce(v.orders_window, 0) AS orders_window,
       m.last_inbound, m.last_read,
       coalesce(m.out_window, 0) AS out_window, coalesce(m.delivered_window, 0) AS delivered_window,
       coalesce(m.read_window, 0) AS read_window, coalesce(r.replied_window, 0) AS replied_window,
       coalesce(m.out_unread_window, 0) AS out_unread_window, coalesce(m.read_unread_window, 0) AS read_unread_window,
       coalesce(m.delivered_unread_window, 0) AS delivered_unread_window,
       coalesce(m.messages_total, 0) AS messages_total,
       greatest(d.last_purchase, m.last_inbound) AS last_interaction,
       CASE WHEN m.last_inbound IS NULL OR d.last_purchase >= m.last_inbound THEN 'order' ELSE 'message' END AS last_interaction_kind
     FROM customer_zone z
     LEFT JOIN days d USING (customer_id) LEFT JOIN value v USING (customer_id)
     LEFT JOIN msgs m USING (customer_id) LEFT JOIN replies r USING (customer_id)`,
    label,
    params,
  );
}

/** Where the day count of a reason was computed, when the customer's own zone is unknown. */
const ZONE_NOTE =
  "CASE WHEN zone_unknown THEN ' (shop time zone: customer zone unknown)' ELSE '' END";

/**
 * Inserts the six families' tags into the temp table new_tags(customer_id, family, tag, reason),
 * from customer_facts. Each reason names the rule, the values and the threshold that decided it.
 */
export async function tagFamilies(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `tags as of ${asOf}`;
  const t = settings.tags;
  const f = t.frequency;

  // Purchase frequency: mean gap between purchase days in the window; one day: by its recency.
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'frequency',
       CASE WHEN gap <= ${f.monthlyMaxGapDays} THEN 'monthly buyer'
            WHEN gap <= ${f.quarterlyMaxGapDays} THEN 'quarterly buyer' ELSE 'yearly buyer' END,
       CASE WHEN n >= 2
         THEN format('{} purchase days in the last {} months, mean gap {} days (monthly ≤ {}, quarterly ≤ {})',
                     n, ${f.windowMonths}, round(gap, 1), ${f.monthlyMaxGapDays}, ${f.quarterlyMaxGapDays})
         ELSE format('one purchase day in the last {} months ({}), {} (monthly ≤ {}, quarterly ≤ {})',
                     ${f.windowMonths}, strftime(days_window[1], '%Y-%m-%d'), ${daysAgoSql("CAST(gap AS INTEGER)")}, ${f.monthlyMaxGapDays}, ${f.quarterlyMaxGapDays})
       END || ${ZONE_NOTE}
     FROM (
       SELECT *, len(days_window) AS n,
         CASE WHEN len(days_window) >= 2
           THEN (days_window[-1] - days_window[1]) / (len(days_window) - 1)
           ELSE as_of - days_window[1] END AS gap
       FROM customer_facts WHERE len(days_window) >= 1)`,
    label,
  );

  // Average order value against fixed per-currency bounds; a currency without bounds falls back
  // to the shop's own distribution (top 15% high, next 35% mid), and the reason says so.
  const bounds = Object.entries(t.orderValue.bounds)
    .map(([currency, [low, high]]) => `(${sqlString(currency)}, ${low}, ${high})`)
    .join(", ");
  // With orderValue.mode "tiers" the spend tiers decide instead (computed before the families);
  // a customer the tiers left out (no spend in the window, or no rate) keeps the fixed bounds.
  const byTiers = t.orderValue.mode === "tiers";
  if (byTiers) {
    await run(
      connection,
      `INSERT INTO new_tags
       SELECT a.customer_id, 'order value', a.tier || ' spender',
         format('12-month net spend {} {} is in the {} spend tier (from {} {}; tiers by {})',
                printf('%.2f', a.spend_12m), a.currency, a.tier, printf('%.2f', a.lower_bound), a.currency, a.method)
       FROM tier_assignments a JOIN customer_facts c USING (customer_id)
       WHERE a.as_of = CAST($asOf AS DATE) AND a.chosen AND c.mean_order_value IS NOT NULL`,
      label,
      {asOf},
    );
  }
  await run(
    connection,
    `INSERT INTO new_tags
     WITH b(currency, low, high) AS (VALUES ${bounds || "(NULL, NULL, NULL)"}),
     ranked AS (
       SELECT c.*, b.low, b.high,
              percent_rank() OVER (PARTITION BY c.currency ORDER BY c.mean_order_value) AS pr,
              -- The share of the shop's customers with a mean this high or higher (ties included).
              count(*) OVER (PARTITION BY c.currency ORDER BY c.mean_order_value DESC
                             RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                / count(*) OVER (PARTITION BY c.currency) AS top_share
       FROM customer_facts c LEFT JOIN b USING (currency)
       WHERE c.mean_order_value IS NOT NULL
         ${byTiers ? "AND c.customer_id NOT IN (SELECT customer_id FROM new_tags WHERE family = 'order value')" : ""})
     SELECT customer_id, 'order value',
       CASE WHEN low IS NOT NULL THEN
              CASE WHEN mean_order_value > high THEN 'high spender'
                   WHEN mean_order_value >= low THEN 'mid spender' ELSE 'low spender' END
            ELSE CASE WHEN pr >= 0.85 THEN 'high spender' WHEN pr >= 0.5 THEN 'mid spender' ELSE 'low spender' END
       END,
       CASE WHEN low IS NOT NULL
         THEN format('mean order value {} {} over {} order{} (low < {}, high > {})',
                     round(mean_order_value, 2), currency, orders_window, CASE WHEN orders_window = 1 THEN '' ELSE 's' END, low, high)
         ELSE format('mean order value {} {} over {} order{} is in the top {}% of the shop (no fixed bounds for {})',
                     round(mean_order_value, 2), currency, orders_window, CASE WHEN orders_window = 1 THEN '' ELSE 's' END,
                     round(100 * top_share), currency)
       END || CASE WHEN mixed_currencies IS NOT NULL THEN format('; orders in {} converted to {}', mixed_currencies, currency) ELSE '' END
     FROM ranked
     UNION ALL
     SELECT customer_id, 'order value', 'unknown',
       format('orders in {} and settings.money.rates has no rate to {} for one of them', mixed_currencies, currency)
     FROM customer_facts WHERE mean_order_value IS NULL AND mixed_currencies IS NOT NULL`,
    label,
  );

  // Interaction, from message statuses in the window.
  const i = t.interaction;
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'interaction',
       CASE WHEN replied_window >= ${i.repliesOftenRate} * out_window THEN 'replies often'
            -- Reading is judged only on messages known to have arrived: with none delivered (all
            -- failed, or an export without statuses) nothing says whether the customer reads.
            WHEN delivered_window = 0 THEN 'not reached'
            WHEN read_window >= ${i.readsRate} * delivered_window THEN 'reads only'
            ELSE 'does not read' END,
       format('{} of {} messages in {} days answered, {} (replies often ≥ {}%, reads ≥ {}%)',
              replied_window, out_window, ${i.windowDays},
              CASE WHEN delivered_window = 0 THEN 'none known to be delivered (no delivered or read status)'
                   ELSE format('{} of {} delivered read', read_window, delivered_window) END,
              ${Math.round(i.repliesOftenRate * 100)}, ${Math.round(i.readsRate * 100)})
     FROM customer_facts WHERE out_window > 0
     UNION ALL
     SELECT customer_id, 'interaction', 'active ${i.activeDays} days',
       format('last message or read on {}, {}', strftime(last_active, '%Y-%m-%d'), ${daysAgoSql("as_of - last_active")})
     FROM (SELECT *, greatest(last_inbound, last_read) AS last_active FROM customer_facts)
     WHERE as_of - last_active < ${i.activeDays}
     UNION ALL
     SELECT customer_id, 'interaction', 'silent ${i.silentDays} days',
       CASE WHEN last_inbound IS NULL THEN 'has never written'
            ELSE format('last message from the customer on {}, {}', strftime(last_inbound, '%Y-%m-%d'), ${daysAgoSql("as_of - last_inbound")}) END
     FROM customer_facts WHERE messages_total > 0 AND (last_inbound IS NULL OR as_of - last_inbound >= ${i.silentDays})
     UNION ALL
     SELECT customer_id, 'interaction', 'unread ${i.unreadDays} days',
       format('{} messages in the last {} days, none read', out_unread_window, ${i.unreadDays})
     FROM customer_facts WHERE delivered_unread_window > 0 AND read_unread_window = 0`,
    label,
  );

  // Source, from the acquisition column.
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'source', coalesce(source, 'unknown'),
       CASE WHEN source IS NULL THEN 'no source column value' ELSE 'source column' END
     FROM customers WHERE customer_id IN (SELECT customer_id FROM customer_facts)`,
    label,
  );

  // Lifecycle: dormant after N whole local days without interaction; else new or returning.
  const dormant = t.lifecycle.dormantDays;
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'lifecycle',
       CASE WHEN last_interaction IS NOT NULL AND as_of - last_interaction >= ${dormant} THEN 'dormant'
            WHEN purchase_days = 0 THEN 'prospect'
            WHEN purchase_days = 1 THEN 'new' ELSE 'returning' END,
       CASE WHEN last_interaction IS NOT NULL AND as_of - last_interaction >= ${dormant}
              THEN format('{} days since last interaction ({}) on {} (dormant from {} days)',
                          as_of - last_interaction, last_interaction_kind, strftime(last_interaction, '%Y-%m-%d'), ${dormant})
            WHEN purchase_days = 0 THEN 'no purchase yet; last interaction ' || coalesce(strftime(last_interaction, '%Y-%m-%d'), 'never')
            ELSE format('{} purchase day{} (first {}, last {}); last interaction {}',
                        purchase_days, CASE WHEN purchase_days = 1 THEN '' ELSE 's' END,
                        strftime(first_purchase, '%Y-%m-%d'), strftime(last_purchase, '%Y-%m-%d'), ${daysAgoSql("as_of - last_interaction")})
       END || ${ZONE_NOTE}
     -- Every customer has a stage: one with no paid order (only a cancelled one, or none yet) is
     -- a prospect, so the family's sizes add up to the customer count.
     FROM customer_facts`,
    label,
  );

  await tagInterests(connection, asOf, settings);
  await tagBasics(connection, asOf);
  await tagTriggers(connection, asOf, settings);
}

async function tagInterests(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `interest tags as of ${asOf}`;
  const t = settings.tags.interest;
  const categoryMap = Object.entries(t.categories)
    .map(([category, tag]) => `(${sqlString(category.toLowerCase())}, ${sqlString(tag)})`)
    .join(", ");
  // Categories bought within the fade window.
  await run(
    connection,
    `INSERT INTO new_tags
     WITH m(category, tag) AS (VALUES ${categoryMap || "(NULL, NULL)"})
     SELECT o.customer_id, 'interest', coalesce(m.tag, i.category),
       format('bought {} {} item{}, last on {}', count(*), i.category, CASE WHEN count(*) = 1 THEN '' ELSE 's' END,
              strftime(max(o.local_date), '%Y-%m-%d'))
     FROM local_orders o JOIN order_items i USING (order_id) LEFT JOIN m ON m.category = i.category
     WHERE o.status = 'paid' AND i.category IS NOT NULL
       AND o.local_date <= CAST($asOf AS DATE)
       AND o.local_date > CAST($asOf AS DATE) - INTERVAL ${t.fadeMonths} MONTH
     GROUP BY o.customer_id, coalesce(m.tag, i.category), i.category`,
    label,
    {asOf},
  );

  // Keywords, parameters and budget words in the customer's own messages.
  const inbound = `local_messages WHERE direction = 'in' AND text IS NOT NULL
       AND local_date <= CAST($asOf AS DATE) AND local_date > CAST($asOf AS DATE) - INTERVAL ${t.fadeMonths} MONTH`;
  const wordPattern = (words: string[]) =>
    `(^|[^\\p{L}])(${words
      .map((w) =>
        w
          .toLowerCase()
          .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          .replaceAll("'", "''"),
      )
      .join("|")})($|[^\\p{L}])`;
  for (const [tag, words] of Object.entries(t.keywords)) {
    if (words.length === 0) continue;
    await run(
      connection,
      `INSERT INTO new_tags
       SELECT customer_id, 'interest', ${sqlString(tag)},
         -- The word of the latest message (ties by id), so a rebuild always names the same one.
         format('asked about it: "{}" on {}',
                first(regexp_extract(lower(text), '${wordPattern(words)}', 2) ORDER BY sent_at DESC, message_id DESC),
                strftime(max(local_date), '%Y-%m-%d'))
       FROM ${inbound} AND regexp_matches(lower(text), '${wordPattern(words)}')
       GROUP BY customer_id`,
      label,
      {asOf},
    );
  }
  for (const p of t.parameters) {
    const unit = p.unit.toLowerCase().replaceAll("'", "''");
    await run(
      connection,
      `INSERT INTO new_tags
       SELECT customer_id, 'interest', ${sqlString(p.tag)},
         format('asked for {} {} (at least {})', max(v), ${sqlString(p.unit)}, ${p.min})
       FROM (SELECT customer_id, ${numberSql(`rtrim(regexp_extract(lower(text), '(\\d[\\d,.]*)\\s*${unit}', 1), '.,')`)} AS v
             FROM ${inbound} AND regexp_matches(lower(text), '\\d\\s*${unit}'))
       WHERE v >= ${p.min} GROUP BY customer_id`,
      label,
      {asOf},
    );
  }
  for (const [budget, words] of Object.entries(t.budgetWords)) {
    if (words.length === 0) continue;
    await run(
      connection,
      `INSERT INTO new_tags
       SELECT customer_id, 'interest', ${sqlString(`budget: ${budget}`)},
         format('mentioned "{}"', first(regexp_extract(lower(text), '${wordPattern(words)}', 2) ORDER BY sent_at DESC, message_id DESC))
       FROM ${inbound} AND regexp_matches(lower(text), '${wordPattern(words)}')
       GROUP BY customer_id`,
      label,
      {asOf},
    );
  }
}

async function tagBasics(connection: DuckDBConnection, asOf: string): Promise<void> {
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'country', country, country_reason FROM customer_basics WHERE as_of = CAST($asOf AS DATE)
     UNION ALL
     SELECT customer_id, 'time zone', time_zone, zone_reason FROM customer_basics WHERE as_of = CAST($asOf AS DATE)
     UNION ALL
     SELECT customer_id, 'language', language, language_reason FROM customer_basics WHERE as_of = CAST($asOf AS DATE)
     UNION ALL
     SELECT customer_id, 'shipping', 'shipping restricted', 'region or postcode is on the shipping-restricted list'
     FROM customer_basics WHERE as_of = CAST($asOf AS DATE) AND shipping_restricted`,
    `basic tags as of ${asOf}`,
    {asOf},
  );
}

async function tagTriggers(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `triggers as of ${asOf}`;
  const t = settings.tags.triggers;
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'trigger', 'dormant', reason FROM new_tags WHERE family = 'lifecycle' AND tag = 'dormant'`,
    label,
  );

  // Downgrade: the spend tiers flag it (top tier, no purchase for tiers.downgradeMonths months);
  // the trigger repeats their flag so that the rule lives, and is set, in one place.
  await run(
    connection,
    `INSERT INTO new_tags
     SELECT customer_id, 'trigger', 'downgrade',
       format('top tier ({}) with no purchase since {}, over {} months', tier,
              coalesce(strftime(last_purchase, '%Y-%m-%d'), 'never'), ${settings.tiers.downgradeMonths})
     FROM tier_assignments WHERE as_of = CAST($asOf AS DATE) AND chosen AND downgrade`,
    label,
    {asOf},
  );

  // Surge: interactions in the last 7 days against the weekly mean of the 8 weeks before.
  await run(
    connection,
    `INSERT INTO new_tags
     WITH events AS (
       SELECT customer_id, local_date AS d FROM local_messages WHERE direction = 'in'
       UNION ALL SELECT customer_id, read_date FROM local_messages WHERE direction = 'out' AND read_date IS NOT NULL),
     counted AS (
       SELECT customer_id,
         count(*) FILTER (WHERE d > CAST($asOf AS DATE) - 7 AND d <= CAST($asOf AS DATE)) AS recent,
         count(*) FILTER (WHERE d > CAST($asOf AS DATE) - 63 AND d <= CAST($asOf AS DATE) - 7) / 8.0 AS weekly
       FROM events GROUP BY customer_id)
     SELECT customer_id, 'trigger', 'priority follow-up',
       format('{} interactions in the last 7 days against {} a week in the 8 weeks before (×{} or more)',
              recent, round(weekly, 1), ${t.surgeFactor})
     FROM counted WHERE recent >= ${t.surgeMinEvents} AND recent >= ${t.surgeFactor} * weekly`,
    label,
    {asOf},
  );
}

/**
 * SQL reading a number as customers write it: "20,000" and "20.000" (groups of three after a comma
 * or a dot) are twenty thousand, in English and in Spanish, German or Indonesian; otherwise a comma
 * is a decimal point ("2,5").
 */
function numberSql(text: string): string {
  return `CASE WHEN regexp_full_match(${text}, '\\d{1,3}([.,]\\d{3})+') THEN TRY_CAST(regexp_replace(${text}, '[.,]', '', 'g') AS DOUBLE)
    ELSE TRY_CAST(replace(${text}, ',', '.') AS DOUBLE) END`;
}
