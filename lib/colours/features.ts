import type {DuckDBConnection} from "@duckdb/node-api";
import {queryNumber, run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";

/** Scripts written without spaces between words: their words match anywhere in a message. */
const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * The RE2 pattern that finds a comparing word in lower-cased text, from the words per language.
 * Words match at a word start so "compare" also finds "comparing" but not "uncompared".
 *
 * @throws Error when no language has a word (the rule could never fire; turn it off instead).
 */
export function compareWordsPattern(words: Record<string, string[]>): string {
  const all = [
    ...new Set(
      Object.values(words)
        .flat()
        .map((w) => w.toLowerCase().trim()),
    ),
  ].filter(Boolean);
  if (all.length === 0) {
    throw new Error(
      "colours.rules.compare.words: no word in any language; set enabled: false instead",
    );
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
 * SQL for the most whole calendar months from date `from` to date `to` (`to` on or after
 * `from`): the largest m with from <= to - m months, where DuckDB clamps the day (31 March less a
 * month is 28 or 29 February). So "no interaction for t months" is inactive_months >= t, an
 * integer comparison, where month arithmetic on every row of every threshold tried cost more than
 * the rest of a colouring. date_diff counts month boundaries crossed, which is m or m + 1.
 */
export function inactiveMonthsSql(from: string, to: string): string {
  const boundaries = `CAST(date_diff('month', ${from}, ${to}) AS INTEGER)`;
  return `CASE WHEN ${from} <= ${to} - to_months(${boundaries}) THEN ${boundaries} ELSE ${boundaries} - 1 END`;
}

/**
 * The as-of dates colours are computed for: every `stepDays` back from `asOf` over `historyDays`
 * (never before the first event), plus every drop's as-of date in that range, so transitions
 * between drops can be read from the same history.
 */
async function buildGrid(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const c = settings.colours;
  // The first event's UTC date less a day is on or before its local date in every zone (offsets
  // are under 24 h). A plain CAST(ts AS DATE) would read the database session's zone, so a build
  // machine east of the customer could start the grid after the customer's first day.
  const utcDate = (instant: string) => `CAST(timezone('UTC', ${instant}) AS DATE) - 1`;
  await run(
    connection,
    `CREATE OR REPLACE TABLE colour_grid AS
     WITH b AS (
       SELECT CAST($asOf AS DATE) AS d, greatest(CAST($asOf AS DATE) - ${c.historyDays}, coalesce(least(
         (SELECT min(${utcDate("ordered_at")}) FROM orders), (SELECT min(${utcDate("sent_at")}) FROM messages),
         (SELECT min(${utcDate('"at"')}) FROM web_events)), CAST($asOf AS DATE))) AS lo)
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
 * customer did next. Needs the temp tables of the tagging run: customer_zone, local_orders,
 * local_messages, local_web and customer_first_seen (see computeFacts).
 *
 * Dates are local calendar dates in the customer's zone; an as-of date d includes every event up
 * to the end of the local day d. Signals (comparing words, long visits, quote opens) count only
 * on days after the customer's last paid order, so a finished deal does not make them red again.
 * Spend is net (paid − refunded) over the last 12 months, converted to money.reportingCurrency;
 * it is null when a currency has no rate.
 *
 * Each event stream is first reduced to one row per customer and local day, with running totals;
 * an ASOF join then finds, for every (as-of date, customer), the latest day on or before it. So
 * the work grows with events plus as-of dates × customers, not with their product (joining every
 * event to every later as-of date took most of a build on 100k customers). Sums over a window are
 * differences of running totals, kept in DECIMAL so no cent is lost to rounding.
 */
export async function buildColourFeatures(
  connection: DuckDBConnection,
  asOf: string,
  settings: Settings,
): Promise<void> {
  const label = `colour features as of ${asOf}`;
  const r = settings.colours.rules;
  const reporting = sqlString(settings.money.reportingCurrency);
  const rates = Object.entries(settings.money.rates)
    .map(([currency, rate]) => `(${sqlString(currency)}, CAST(${rate} AS DECIMAL(38,10)))`)
    .join(", ");
  const pattern = sqlString(r.compare.enabled ? compareWordsPattern(r.compare.words) : "$^");
  await buildGrid(connection, asOf, settings);

  /** Events of one kind within `days` local days up to each as-of date, after the last deal. */
  const recentSignal = (where: string, days: number, aggregate: string, name: string) =>
    `CREATE OR REPLACE TEMP TABLE c_${name} AS
     SELECT g.as_of, w.customer_id, ${aggregate} AS ${name}
     FROM local_web w JOIN colour_grid g ON g.as_of >= w.local_date AND g.as_of < w.local_date + ${days}
     LEFT JOIN c_deal d ON d.as_of = g.as_of AND d.customer_id = w.customer_id
     WHERE ${where} AND (d.last_deal IS NULL OR w.local_date > d.last_deal)
     GROUP BY ALL`;

  // An export without link clicks at all (no web events, or none tracked) cannot say who stopped
  // opening links: days_since_click stays null, so the no-click grey waits for data rather than
  // turning every quiet customer grey.
  const tracksClicks =
    (await queryNumber(
      connection,
      "SELECT count(*) FROM web_events WHERE kind = 'link_click'",
      label,
    )) > 0;
  const steps = [
    `CREATE OR REPLACE TEMP TABLE c_orders AS
     WITH rates(currency, rate) AS (VALUES ${rates || "(NULL, NULL)"})
     SELECT o.customer_id, o.status, o.local_date,
       CAST(CASE o.status WHEN 'paid' THEN 1 WHEN 'refunded' THEN -1 ELSE 0 END
         * o.amount * CASE WHEN o.currency = ${reporting} THEN 1 ELSE r.rate END AS DECIMAL(38,10)) AS amount_rc
     FROM local_orders o LEFT JOIN rates r USING (currency)`,
    // One row per customer and local day with an order, carrying running totals up to that day.
    `CREATE OR REPLACE TEMP TABLE c_order_days AS
     SELECT customer_id, local_date,
       max(local_date) FILTER (WHERE paid) OVER w AS last_deal,
       sum(amount_day) OVER w AS spend_to_date,
       sum(unconverted_day) OVER w AS unconverted_to_date
     FROM (
       SELECT customer_id, local_date, bool_or(status = 'paid') AS paid, coalesce(sum(amount_rc), 0) AS amount_day,
         count(*) FILTER (WHERE amount_rc IS NULL AND status <> 'cancelled') AS unconverted_day
       FROM c_orders GROUP BY ALL)
     WINDOW w AS (PARTITION BY customer_id ORDER BY local_date)`,
    `CREATE OR REPLACE TEMP TABLE c_paid_days AS
     SELECT DISTINCT customer_id, local_date FROM c_orders WHERE status = 'paid'`,
    // Exactly one row per customer and day, as the ASOF joins below need: with a row per day and
    // "has a comparing word", a day with both kinds of message matched either row, so the last
    // message's time (and the read-no-reply hours) changed from one build to the next.
    `CREATE OR REPLACE TEMP TABLE c_in_days AS
     SELECT customer_id, local_date, last_sent_at,
       max(local_date) FILTER (WHERE is_compare) OVER (PARTITION BY customer_id ORDER BY local_date) AS last_compare
     FROM (SELECT customer_id, local_date, max(sent_at) AS last_sent_at,
             bool_or(coalesce(regexp_matches(lower(text), ${pattern}), false)) AS is_compare
           FROM local_messages WHERE direction = 'in' GROUP BY customer_id, local_date)`,
    `CREATE OR REPLACE TEMP TABLE c_web_days AS
     SELECT customer_id, local_date,
       max(local_date) FILTER (WHERE clicked) OVER (PARTITION BY customer_id ORDER BY local_date) AS last_click
     FROM (SELECT customer_id, local_date, bool_or(kind = 'link_click') AS clicked FROM local_web GROUP BY ALL)`,
    // First contact: the earliest thing the customer did, or when the shop first saw them.
    `CREATE OR REPLACE TEMP TABLE c_first AS
     SELECT z.customer_id, z.zone, least(f.first_seen_date, o.d, i.d, w.d) AS first_contact
     FROM customer_zone z
     LEFT JOIN customer_first_seen f USING (customer_id)
     LEFT JOIN (SELECT customer_id, min(local_date) AS d FROM c_orders GROUP BY 1) o USING (customer_id)
     LEFT JOIN (SELECT customer_id, min(local_date) AS d FROM c_in_days GROUP BY 1) i USING (customer_id)
     LEFT JOIN (SELECT customer_id, min(local_date) AS d FROM c_web_days GROUP BY 1) w USING (customer_id)`,
    // The end of each as-of day in each zone, as an instant (a few hundred conversions, not one a row).
    `CREATE OR REPLACE TEMP TABLE c_day_end AS
     SELECT z.zone, g.as_of, timezone(z.zone, CAST(g.as_of + 1 AS TIMESTAMP)) AS day_end
     FROM (SELECT DISTINCT zone FROM customer_zone) z, colour_grid g`,
    `CREATE OR REPLACE TEMP TABLE c_base AS
     SELECT g.as_of, f.customer_id, f.zone, f.first_contact, e.day_end,
       CAST(g.as_of - INTERVAL 12 MONTH AS DATE) AS year_before
     FROM colour_grid g JOIN c_first f ON f.first_contact <= g.as_of
     JOIN c_day_end e ON e.zone = f.zone AND e.as_of = g.as_of`,
    `CREATE OR REPLACE TEMP TABLE c_deal AS
     WITH upto AS (
       SELECT b.as_of, b.customer_id, b.year_before, o.local_date AS last_order, o.last_deal,
         o.spend_to_date, o.unconverted_to_date
       -- LEFT: a prospect with no order yet still needs a row, for the next purchase it makes.
       FROM c_base b ASOF LEFT JOIN c_order_days o ON o.customer_id = b.customer_id AND o.local_date <= b.as_of),
     before AS (
       SELECT u.*, o.spend_to_date AS spend_before, o.unconverted_to_date AS unconverted_before
       FROM upto u ASOF LEFT JOIN c_order_days o ON o.customer_id = u.customer_id AND o.local_date <= u.year_before)
     SELECT a.as_of, a.customer_id, a.last_deal, a.last_order, p.local_date AS next_buy,
       a.spend_to_date - coalesce(a.spend_before, 0) AS spend,
       a.unconverted_to_date - coalesce(a.unconverted_before, 0) > 0 AS unconverted
     FROM before a ASOF LEFT JOIN c_paid_days p ON p.customer_id = a.customer_id AND p.local_date > a.as_of`,
    `CREATE OR REPLACE TEMP TABLE c_msg AS
     SELECT b.as_of, b.customer_id, i.local_date AS last_in, i.last_sent_at AS last_in_at,
       CASE WHEN d.last_deal IS NULL OR i.last_compare > d.last_deal THEN i.last_compare END AS last_compare
     FROM c_base b ASOF JOIN c_in_days i ON i.customer_id = b.customer_id AND i.local_date <= b.as_of
     LEFT JOIN c_deal d ON d.as_of = b.as_of AND d.customer_id = b.customer_id`,
    `CREATE OR REPLACE TEMP TABLE c_webagg AS
     SELECT b.as_of, b.customer_id, w.local_date AS last_web, w.last_click
     FROM c_base b ASOF JOIN c_web_days w ON w.customer_id = b.customer_id AND w.local_date <= b.as_of`,
    recentSignal("w.kind = 'visit'", r.longVisit.windowDays, "max(w.duration_s)", "max_visit_s"),
    recentSignal("w.kind = 'quote_open'", r.quoteOpens.windowDays, "count(*)", "quote_opens"),
    // Read, no reply: the shop's last answer in a conversation (a one-to-one message sent within
    // the window after a customer message, so order confirmations do not count), read within the
    // window, with no message from the customer since; hours from reading to the end of the day.
    `CREATE OR REPLACE TEMP TABLE c_answers AS
     SELECT o.customer_id, o.local_date, arg_max(o.sent_at, o.sent_at) AS sent_at,
       arg_max(o.read_at, o.sent_at) AS read_at, arg_max(o.read_date, o.sent_at) AS read_date
     FROM local_messages o
     ASOF JOIN (SELECT customer_id, sent_at FROM local_messages WHERE direction = 'in') i
       ON i.customer_id = o.customer_id AND i.sent_at < o.sent_at
     WHERE o.direction = 'out' AND o.campaign_id IS NULL AND coalesce(o.category, '') <> 'marketing'
       AND i.sent_at >= o.sent_at - INTERVAL ${r.readNoReply.windowDays} DAY
     GROUP BY o.customer_id, o.local_date`,
    `CREATE OR REPLACE TEMP TABLE c_rnr AS
     SELECT b.as_of, b.customer_id, epoch(b.day_end - a.read_at) / 3600 AS read_no_reply_hours
     FROM c_base b ASOF JOIN c_answers a ON a.customer_id = b.customer_id AND a.local_date <= b.as_of
     LEFT JOIN c_msg m ON m.as_of = b.as_of AND m.customer_id = b.customer_id
     WHERE a.read_at IS NOT NULL AND a.read_date <= b.as_of AND a.read_date > b.as_of - ${r.readNoReply.windowDays}
       AND (m.last_in_at IS NULL OR m.last_in_at <= a.sent_at)`,
    // seq numbers each customer's as-of dates (1, 2, …): the red-fatigue runs are counted on it, so
    // that colouring the history for each threshold of a grid sorts the rows once, not three times.
    `CREATE OR REPLACE TABLE colour_features AS
     SELECT *, ${inactiveMonthsSql("last_interaction", "as_of")} AS inactive_months FROM (
     SELECT b.as_of, b.customer_id, row_number() OVER (PARTITION BY b.customer_id ORDER BY b.as_of) AS seq, b.first_contact,
       coalesce(greatest(d.last_order, m.last_in, w.last_web), b.first_contact) AS last_interaction,
       d.last_deal, d.next_buy - b.as_of AS next_buy_days,
       CASE WHEN d.unconverted THEN NULL ELSE coalesce(d.spend, 0) END AS annual_spend,
       b.as_of - m.last_compare AS days_since_compare,
       v.max_visit_s, coalesce(q.quote_opens, 0) AS quote_opens, r.read_no_reply_hours,
       b.as_of - b.first_contact AS days_since_first,
       -- Counted from the last link opened, or from becoming green (the last deal) or first contact
       -- when later: a customer who bought today has not gone a week without opening a link.
       ${tracksClicks ? "b.as_of - greatest(coalesce(w.last_click, b.first_contact), coalesce(d.last_deal, b.first_contact))" : "CAST(NULL AS BIGINT)"}
         AS days_since_click,
       w.last_click IS NOT NULL AS ever_clicked
     FROM c_base b LEFT JOIN c_deal d USING (as_of, customer_id) LEFT JOIN c_msg m USING (as_of, customer_id)
     LEFT JOIN c_webagg w USING (as_of, customer_id) LEFT JOIN c_max_visit_s v USING (as_of, customer_id)
     LEFT JOIN c_quote_opens q USING (as_of, customer_id) LEFT JOIN c_rnr r USING (as_of, customer_id))`,
  ];
  for (const sql of steps) await run(connection, sql, label);
  const scratch = [
    "c_orders",
    "c_order_days",
    "c_paid_days",
    "c_in_days",
    "c_web_days",
    "c_first",
    "c_day_end",
    "c_base",
    "c_deal",
    "c_msg",
    "c_webagg",
    "c_max_visit_s",
    "c_quote_opens",
    "c_answers",
    "c_rnr",
  ];
  for (const t of scratch) {
    await run(connection, `DROP TABLE IF EXISTS ${t}`, label);
  }
}
