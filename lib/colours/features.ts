import type {DuckDBConnection} from "@duckdb/node-api";
import {run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";

/** Scripts written without spaces between words: their words match anywhere in a message. */
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * The RE2 pattern that finds a comparing word in lower-cased text, from the words per language.
 * Words match at a word start so "compare" also finds "comparing" but not "uncompared".
 *
 * @throws Error when no language has a word (the rule could never fire; turn it off instead).
 */
export function compareWordsPattern(words: Record<string, string[]>): string {
  const all = [...new Set(Object.values(words).flat().map((w) => w.toLowerCase().trim()))].filter(Boolean);
  if (all.length === 0) {
    throw new Error("colours.rules.compare.words: no word in any language; set enabled: false instead");
  }
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const spaced = all.filter((w) => !NO_SPACE_SCRIPT.test(w)).map(escape);
  const unspaced = all.filter((w) => NO_SPACE_SCRIPT.test(w)).map(escape);
  const arms = [];
  if (spaced.length) arms.push(`(^|[^\\p{L}])(${spaced.join("|")})`);
  if (unspaced.length) arms.push(`(${unspaced.join("|")})`);
  return arms.join("|");
}

/**
 * The as-of dates colours are computed for: every `stepDays` back from `asOf` over `historyDays`
 * (never before the first event), plus every drop's as-of date in that range, so transitions
 * between drops can be read from the same history.
 */
async function buildGrid(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const c = settings.colours;
  await run(
    connection,
    `CREATE OR REPLACE TABLE colour_grid AS
     WITH b AS (
       SELECT CAST($asOf AS DATE) AS d, greatest(CAST($asOf AS DATE) - ${c.historyDays}, coalesce(least(
         (SELECT min(CAST(ordered_at AS DATE)) FROM orders), (SELECT min(CAST(sent_at AS DATE)) FROM messages),
         (SELECT min(CAST("at" AS DATE)) FROM web_events)), CAST($asOf AS DATE))) AS lo)
     SELECT DISTINCT as_of FROM (
       SELECT CAST(b.d - CAST(k * ${c.stepDays} AS INTEGER) AS DATE) AS as_of FROM b, range(0, ${Math.floor(c.historyDays / c.stepDays) + 1}) t(k)
       UNION ALL SELECT as_of FROM drops WHERE as_of <= CAST($asOf AS DATE)
     ) g, b WHERE g.as_of BETWEEN b.lo AND b.d`,
    "colour as-of dates",
    {asOf},
  );
}

/**
 * Per-customer facts at every as-of date of the colour history (table colour_features), from
 * the event tables, so colours can be computed "as of" any past date and judged against what the
 * customer did next. Needs the temp table customer_zone(customer_id, zone) of the tagging run.
 *
 * Dates are local calendar dates in the customer's zone; an as-of date d includes every event up
 * to the end of the local day d. Signals (comparing words, long visits, quote opens) count only
 * on days after the customer's last paid order, so a finished deal does not make them red again.
 * Spend is net (paid − refunded) over the last 12 months, converted to money.reportingCurrency;
 * it is null when a currency has no rate.
 */
export async function buildColourFeatures(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const label = `colour features as of ${asOf}`;
  const r = settings.colours.rules;
  const reporting = sqlString(settings.money.reportingCurrency);
  const rates = Object.entries(settings.money.rates)
    .map(([currency, rate]) => `(${sqlString(currency)}, ${rate})`)
    .join(", ");
  const pattern = sqlString(r.compare.enabled ? compareWordsPattern(r.compare.words) : "$^");
  await buildGrid(connection, asOf, settings);

  const steps = [
    `CREATE OR REPLACE TEMP TABLE c_orders AS
     WITH rates(currency, rate) AS (VALUES ${rates || "(NULL, NULL)"})
     SELECT o.customer_id, o.status, CAST(timezone(z.zone, o.ordered_at) AS DATE) AS local_date,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'refunded' THEN -1 ELSE 0 END
         * o.amount * CASE WHEN o.currency = ${reporting} THEN 1 ELSE r.rate END AS amount_rc
     FROM orders o JOIN customer_zone z USING (customer_id) LEFT JOIN rates r USING (currency)`,
    `CREATE OR REPLACE TEMP TABLE c_in AS
     SELECT m.customer_id, m.sent_at, CAST(timezone(z.zone, m.sent_at) AS DATE) AS local_date,
       coalesce(regexp_matches(lower(m.text), ${pattern}), false) AS is_compare
     FROM messages m JOIN customer_zone z USING (customer_id) WHERE m.direction = 'in'`,
    `CREATE OR REPLACE TEMP TABLE c_out AS
     SELECT m.customer_id, m.sent_at, m.read_at, CAST(timezone(z.zone, m.sent_at) AS DATE) AS local_date,
       CAST(timezone(z.zone, m.read_at) AS DATE) AS read_date
     FROM messages m JOIN customer_zone z USING (customer_id)
     WHERE m.direction = 'out' AND m.campaign_id IS NULL AND coalesce(m.category, '') <> 'marketing'`,
    `CREATE OR REPLACE TEMP TABLE c_web AS
     SELECT w.customer_id, w.kind, w.duration_s, CAST(timezone(z.zone, w."at") AS DATE) AS local_date
     FROM web_events w JOIN customer_zone z USING (customer_id)`,
    // First contact: the earliest thing the customer did, or when the shop first saw them.
    `CREATE OR REPLACE TEMP TABLE c_first AS
     SELECT z.customer_id, z.zone, least(
       (SELECT min(CAST(timezone(z.zone, c.first_seen_at) AS DATE)) FROM customers c WHERE c.customer_id = z.customer_id),
       (SELECT min(local_date) FROM c_orders o WHERE o.customer_id = z.customer_id),
       (SELECT min(local_date) FROM c_in i WHERE i.customer_id = z.customer_id),
       (SELECT min(local_date) FROM c_web w WHERE w.customer_id = z.customer_id)) AS first_contact
     FROM customer_zone z`,
    `CREATE OR REPLACE TEMP TABLE c_base AS
     SELECT g.as_of, f.customer_id, f.zone, f.first_contact,
       timezone(f.zone, CAST(g.as_of + 1 AS TIMESTAMP)) AS day_end
     FROM colour_grid g JOIN c_first f ON f.first_contact <= g.as_of`,
    `CREATE OR REPLACE TEMP TABLE c_deal AS
     SELECT b.as_of, b.customer_id,
       max(o.local_date) FILTER (WHERE o.status = 'paid' AND o.local_date <= b.as_of) AS last_deal,
       max(o.local_date) FILTER (WHERE o.local_date <= b.as_of) AS last_order,
       min(o.local_date) FILTER (WHERE o.status = 'paid' AND o.local_date > b.as_of) AS next_buy,
       sum(o.amount_rc) FILTER (WHERE o.local_date <= b.as_of AND o.local_date > b.as_of - INTERVAL 12 MONTH) AS spend,
       bool_or(o.amount_rc IS NULL AND o.status <> 'cancelled' AND o.local_date <= b.as_of
               AND o.local_date > b.as_of - INTERVAL 12 MONTH) AS unconverted
     FROM c_base b JOIN c_orders o USING (customer_id) GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE c_msg AS
     SELECT b.as_of, b.customer_id, max(i.local_date) AS last_in,
       max(i.local_date) FILTER (WHERE i.is_compare AND (d.last_deal IS NULL OR i.local_date > d.last_deal)) AS last_compare
     FROM c_base b LEFT JOIN c_deal d USING (as_of, customer_id)
     JOIN c_in i ON i.customer_id = b.customer_id AND i.local_date <= b.as_of GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE c_webagg AS
     SELECT b.as_of, b.customer_id, max(w.local_date) AS last_web,
       max(w.local_date) FILTER (WHERE w.kind = 'link_click') AS last_click,
       max(w.duration_s) FILTER (WHERE w.kind = 'visit' AND w.local_date > b.as_of - ${r.longVisit.windowDays}
         AND (d.last_deal IS NULL OR w.local_date > d.last_deal)) AS max_visit_s,
       count(*) FILTER (WHERE w.kind = 'quote_open' AND w.local_date > b.as_of - ${r.quoteOpens.windowDays}
         AND (d.last_deal IS NULL OR w.local_date > d.last_deal)) AS quote_opens
     FROM c_base b LEFT JOIN c_deal d USING (as_of, customer_id)
     JOIN c_web w ON w.customer_id = b.customer_id AND w.local_date <= b.as_of GROUP BY ALL`,
    // Read, no reply: the shop's last answer in a conversation (a one-to-one message sent within
    // the window after a customer message, so order confirmations do not count), read within the
    // window, with no message from the customer since; hours from reading to the end of the day.
    `CREATE OR REPLACE TEMP TABLE c_rnr AS
     WITH last_out AS (
       SELECT b.as_of, b.customer_id, b.day_end, max(o.sent_at) AS sent_at, arg_max(o.read_at, o.sent_at) AS read_at,
         arg_max(o.read_date, o.sent_at) AS read_date
       FROM c_base b JOIN c_out o ON o.customer_id = b.customer_id AND o.local_date <= b.as_of
       AND EXISTS (SELECT 1 FROM c_in i WHERE i.customer_id = o.customer_id AND i.sent_at < o.sent_at
                   AND i.sent_at >= o.sent_at - INTERVAL ${r.readNoReply.windowDays} DAY)
     GROUP BY ALL)
     SELECT as_of, customer_id, epoch(day_end - read_at) / 3600 AS read_no_reply_hours
     FROM last_out l
     WHERE read_at IS NOT NULL AND read_date <= as_of AND read_date > as_of - ${r.readNoReply.windowDays}
       AND NOT EXISTS (SELECT 1 FROM c_in i WHERE i.customer_id = l.customer_id AND i.sent_at > l.sent_at
                       AND i.local_date <= l.as_of)`,
    `CREATE OR REPLACE TABLE colour_features AS
     SELECT b.as_of, b.customer_id, b.first_contact,
       coalesce(greatest(d.last_order, m.last_in, w.last_web), b.first_contact) AS last_interaction,
       d.last_deal, d.next_buy - b.as_of AS next_buy_days,
       CASE WHEN d.unconverted THEN NULL ELSE coalesce(d.spend, 0) END AS annual_spend,
       b.as_of - m.last_compare AS days_since_compare,
       w.max_visit_s, coalesce(w.quote_opens, 0) AS quote_opens, r.read_no_reply_hours,
       b.as_of - b.first_contact AS days_since_first,
       b.as_of - coalesce(w.last_click, b.first_contact) AS days_since_click,
       w.last_click IS NOT NULL AS ever_clicked
     FROM c_base b LEFT JOIN c_deal d USING (as_of, customer_id) LEFT JOIN c_msg m USING (as_of, customer_id)
     LEFT JOIN c_webagg w USING (as_of, customer_id) LEFT JOIN c_rnr r USING (as_of, customer_id)`,
  ];
  for (const sql of steps) await run(connection, sql, label);
  for (const t of ["c_orders", "c_in", "c_out", "c_web", "c_first", "c_base", "c_deal", "c_msg", "c_webagg", "c_rnr"]) {
    await run(connection, `DROP TABLE IF EXISTS ${t}`, label);
  }
}
