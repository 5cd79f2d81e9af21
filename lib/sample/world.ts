/**
 * The SQL that builds the sample world inside DuckDB, and the SELECTs that cut one drop out of it.
 *
 * Every random draw is `u(salt, a, b)`: DuckDB's hash of a salt, two integer keys (customer number,
 * event number) and the seed, scaled to [0, 1). Nothing depends on row order or thread count, so
 * the same seed gives the same world, and an earlier as-of date gives the same world cut earlier.
 *
 * Times are built as fractional *local* days since WORLD_START (day 0 = 2024-12-01 local time;
 * 12.75 = 13 December, 18:00 local) and turned into instants with the customer's zone at the end,
 * so local hours, weekdays and days are exact by construction.
 *
 * Planted patterns (what the reports should find; see also lib/sample.ts):
 *
 * | pattern                | where it is planted                                                        |
 * |------------------------|----------------------------------------------------------------------------|
 * | read/reply propensity  | f = 0.05 + 0.95·bell(local hour − peak); 0.03 at local 01:00–06:00          |
 * |   AE, SA, EG           | weekdays peak 17:15 (window 16–18), weekend 15:00 (14–16); SA/EG weekend     |
 * |                        | Fri–Sat, AE Sat–Sun; Ramadan 2025 (local 1–30 Mar 2025): peaks +2.5 h      |
 * |   IN                   | 21:00 every day (20–22); replies slow (median 3.8 h)                        |
 * |   BR                   | 20:00 every day (19–21); replies fast (median 0.9 h)                        |
 * |   MX                   | weekdays 11:15 (10–12), weekends 20:00 (19–21)                              |
 * |   TW                   | weekdays 13:45, skewed (window 12–14, best half hour 13:30–14:00),         |
 * |                        | weekends 21:00 (20–22)                                                       |
 * |   KR, JP, ES / others  | weekdays 21:30 / 21:00 / 21:00 / 19:30; weekends 14:00 or 10:00             |
 * | worst window ("stop")  | a read marketing message sent in SA/AE/EG 22–04, MX 02–05, TW 03–06, else  |
 * |                        | 01–06 local draws a "stop" reply 6% of the time (0.4% otherwise)          |
 * | weekday-evening habit  | 6% of customers read only on one weekday, 20:00–22:00 local                 |
 * | campaign send hours    | launch day + 0–3 days (every weekday); 82% sent 07–23 local, 18% at any    |
 * |                        | hour; US marketing fails (131049) from                                     |
 * |                        | 1 Apr 2025; 2% of all sends fail (131026)                                  |
 * | follow-up colours      | deal episodes (25% of customers two, 40% one): quote opens k = 0..5 →     |
 * |                        | purchase 5–24 d after the quote with p = .06,                             |
 * |                        | .10, .90, .92, .94, .95 (so "≥ 2 opens", not the default 3, marks buyers); |
 * |                        | "compare" written by 45% of buyers / 5% of others;                         |
 * |                        | a visit > 8 min by 55% of buyers / 5% of others                           |
 * | surges                 | 1% of active customers a month: 3–7 messages and 2–5 page views in the   |
 * |                        | last 7 days of a calendar month                                            |
 * | pairs                  | espresso machine → coffee beans (90%, first within 6–13 d); hiking boots → |
 * |                        | waterproof spray (25% same order, 35% within 60 d); phone → case (45%     |
 * |                        | same order, 25% within 14 d)                                               |
 * | replenishment          | coffee beans every ~17 d (per customer 15–19 d, ±2 d jitter); diapers     |
 * |                        | every ~30 d (±3 d) for 10–20 months                                         |
 * | season                 | winter jackets only in local Nov–Jan orders, northern countries (30%)     |
 * | browse depth           | 7% of customers view one item 3–6 times without buying it, a third of      |
 * |                        | them an item priced ≥ 500                                                  |
 * | shipping restriction   | BR AM/RR/AC and ID Papua/Maluku/NTT: 15% of orders cancelled (3% elsewhere) |
 * | spend                  | premium 12% × country factor (AE 2.2 … IN 0.35), regular 28%, value rest;  |
 * |                        | buyers monthly/quarterly/yearly; 30% churn at a random day (dormant)      |
 */
import {
  CAMPAIGN_NAMES,
  INQUIRY_PRODUCTS,
  SAMPLE_CATEGORIES,
  SAMPLE_COUNTRIES,
  SAMPLE_NAMES,
  SAMPLE_PLACES,
  SAMPLE_TEXTS,
  TEXT_KINDS,
  WINTER_JACKETS,
  sampleCatalogue,
  type SampleProduct,
  type TextKind,
} from "./reference.js";

/** Day 0 of the world, local time everywhere. */
export const WORLD_START = "2024-12-01";

/** Days the world runs: to 2026-12-01 local (exclusive), the day after the default as-of date. */
export const WORLD_DAYS = 730;

/** The single shop currency of every order (see lib/sample.ts). */
export const SHOP_CURRENCY = "USD";

/** One SQL statement with a label for its error message. */
export interface Step {
  label: string;
  sql: string;
}

function literal(value: string | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return `'${value.replaceAll("'", "''")}'`;
}

function list(values: (string | number)[]): string {
  return `[${values.map(literal).join(", ")}]`;
}

function valuesTable(name: string, columns: string[], rows: (string | number | boolean | null)[][]): Step {
  const body = rows.map((row) => `(${row.map(literal).join(", ")})`).join(",\n");
  return {
    label: `sample: ${name}`,
    sql: `CREATE OR REPLACE TABLE ${name} AS SELECT * FROM (VALUES ${body}) t(${columns.join(", ")})`,
  };
}

/** 1-based indexes into `items`, repeated in proportion to `weights`, `slots` long in all. */
function weightedSlots(weights: number[], slots: number): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const out: number[] = [];
  let cumulative = 0;
  weights.forEach((w, i) => {
    cumulative += w;
    const until = Math.round((cumulative / total) * slots);
    while (out.length < until) out.push(i + 1);
  });
  return out;
}

const ZIPF_EXPONENT = 1.07;

function band(price: number): "low" | "mid" | "high" {
  return price < 40 ? "low" : price < 200 ? "mid" : "high";
}

/** Zipf-weighted slots of catalogue indexes (1-based) among the random picks that pass `keep`. */
function zipfSlots(catalogue: SampleProduct[], keep: (p: SampleProduct) => boolean): number[] {
  const eligible = catalogue.map((p, i) => ({p, i})).filter(({p}) => p.randomPick && keep(p));
  const slots = weightedSlots(
    eligible.map(({p}) => 1 / Math.pow(p.rank, ZIPF_EXPONENT)),
    1000,
  );
  return slots.map((s) => eligible[s - 1]!.i + 1);
}

/** The reference tables and random-draw macros. */
export function referenceSteps(seed: number): Step[] {
  const catalogue = sampleCatalogue();
  const countryCodes = SAMPLE_COUNTRIES.map((c) => c.country);
  const countrySlots = weightedSlots(SAMPLE_COUNTRIES.map((c) => c.weightPct), 1000).map(
    (i) => countryCodes[i - 1]!,
  );
  const placeLists = countryCodes.map((country) => {
    const ids = SAMPLE_PLACES.map((p, i) => ({p, id: i + 1})).filter(({p}) => p.country === country);
    if (ids.length === 0) throw new Error(`sample: country ${country} has no places in reference.ts`);
    const slots = weightedSlots(ids.map(({p}) => p.weight), 100);
    return [country, list(slots.map((s) => ids[s - 1]!.id))];
  });
  const inquiryWords = INQUIRY_PRODUCTS.map(([, words]) => words);
  const inquirySkus = INQUIRY_PRODUCTS.map(([sku]) => sku);
  const inquirySlots = weightedSlots(INQUIRY_PRODUCTS.map(([, , w]) => w), 100);

  return [
    {
      label: "sample: macros",
      sql: `
        CREATE OR REPLACE TEMP MACRO u(salt, a, b) AS
          ((hash(salt, CAST(a AS BIGINT), CAST(b AS BIGINT), CAST(${seed} AS BIGINT)) >> 11)::DOUBLE
           / 9007199254740992.0);
        CREATE OR REPLACE TEMP MACRO nrm(salt, a, b) AS
          (sqrt(-2 * ln(1 - u(salt || '#1', a, b))) * cos(2 * pi() * u(salt || '#2', a, b)));
        CREATE OR REPLACE TEMP MACRO lts(d) AS
          (TIMESTAMP '${WORLD_START} 00:00:00' + to_microseconds(CAST(round(d * 86400) * 1000000 AS BIGINT)));
        CREATE OR REPLACE TEMP MACRO at_utc(d, off_s) AS
          to_timestamp(floor(d * 86400) + epoch(TIMESTAMPTZ '${WORLD_START} 00:00:00+00') - off_s);
        CREATE OR REPLACE TEMP MACRO ldate(d) AS (DATE '${WORLD_START}' + CAST(floor(d) AS INTEGER));
        CREATE OR REPLACE TEMP MACRO ldow(d) AS isodow(ldate(d));
        CREATE OR REPLACE TEMP MACRO circ(x, c) AS (fmod(x - c + 36, 24) - 12);
        CREATE OR REPLACE TEMP MACRO pick(xs, r) AS xs[1 + CAST(floor(r * len(xs)) AS INTEGER)];
      `,
    },
    valuesTable(
      "s_country",
      [
        "country", "dial", "premium_factor", "wd_peak", "wd_left", "wd_right", "we_peak", "we_spread",
        "weekend_s", "ramadan", "worst_start", "worst_end", "reply_median_h", "reply_factor", "winter",
      ],
      SAMPLE_COUNTRIES.map((c) => [
        c.country, c.dial, c.premiumFactor, c.weekdayPeak, c.weekdayLeftH, c.weekdayRightH, c.weekendPeak,
        c.weekendSpreadH, c.weekend.join(","), c.ramadan, c.worstStart, c.worstEnd, c.replyMedianH,
        c.replyFactor, c.winter,
      ]),
    ),
    valuesTable(
      "s_place",
      [
        "place_id", "country", "area", "digits", "region", "pc_prefix", "pc_digits", "pc_suffix", "zone",
        "lang", "lang2", "bi_share", "restricted",
      ],
      SAMPLE_PLACES.map((p, i) => [
        i + 1, p.country, p.area, p.digits, p.region, p.postcodePrefix, p.postcodeDigits, p.postcodeSuffix,
        p.zone, p.language, p.language2, p.bilingualShare, p.restricted,
      ]),
    ),
    {
      // ICU's timezone() costs microseconds a row, too slow for 30M events; the offset of each zone
      // on each local day (taken at noon) is looked up instead. Only events in the small hours of
      // a DST change day are off by the hour, which no report can tell from real behaviour.
      label: "sample: zone offsets",
      sql: `
        CREATE OR REPLACE TABLE s_zone_offset AS
        SELECT zone, CAST(day AS INTEGER) AS day,
          CAST(epoch(CAST(lts(day + 0.5) AS TIMESTAMPTZ)) - epoch(timezone(zone, lts(day + 0.5))) AS INTEGER) AS off_s
        FROM (SELECT DISTINCT zone FROM s_place) z CROSS JOIN range(-1100, 800) t(day)`,
    },
    {
      label: "sample: place lists",
      sql: `CREATE OR REPLACE TABLE s_place_pick AS SELECT * FROM (VALUES ${placeLists
        .map(([c, l]) => `('${c}', ${l})`)
        .join(", ")}) t(country, ids)`,
    },
    valuesTable(
      "s_product",
      ["idx", "sku", "product", "category", "price", "band", "random_pick"],
      catalogue.map((p, i) => [i + 1, p.sku, p.product, p.category, p.price, band(p.price), p.randomPick]),
    ),
    {
      label: "sample: pick lists",
      sql: `
        CREATE OR REPLACE TABLE s_pick AS SELECT * FROM (VALUES
          ${[
            ...(["low", "mid", "high"] as const).map(
              (b) => `('band', '${b}', ${list(zipfSlots(catalogue, (p) => band(p.price) === b))})`,
            ),
            ...SAMPLE_CATEGORIES.map(
              (c) => `('category', ${literal(c)}, ${list(zipfSlots(catalogue, (p) => p.category === c))})`,
            ),
          ].join(",\n")}) t(kind, key, idxs);
        CREATE OR REPLACE TEMP MACRO country_pick(r) AS pick(${list(countrySlots)}, r);
        CREATE OR REPLACE TEMP MACRO category_pick(r) AS pick(${list(SAMPLE_CATEGORIES)}, r);
        CREATE OR REPLACE TEMP MACRO jacket_pick(r) AS pick(${list(WINTER_JACKETS)}, r);
        CREATE OR REPLACE TEMP MACRO inquiry_pick(r) AS pick(${list(inquirySlots)}, r);
        CREATE OR REPLACE TEMP MACRO inquiry_sku(i) AS ${list(inquirySkus)}[i];
        CREATE OR REPLACE TEMP MACRO inquiry_words(i) AS ${list(inquiryWords)}[i];
        CREATE OR REPLACE TEMP MACRO campaign_name(i) AS ${list(CAMPAIGN_NAMES)}[1 + (i - 1) % ${CAMPAIGN_NAMES.length}];
      `,
    },
    valuesTable(
      "s_text",
      ["lang", "texts", "names"],
      Object.entries(SAMPLE_TEXTS).map(([lang, texts]) => [lang, texts.join("\u0001"), (SAMPLE_NAMES[lang] ?? []).join("\u0001")]),
    ),
    {
      label: "sample: text lists",
      sql: `CREATE OR REPLACE TABLE s_text AS
            SELECT lang, string_split(texts, chr(1)) AS texts, string_split(names, chr(1)) AS names FROM s_text`,
    },
  ];
}

/** SQL: the customer's local peak hour on the local day `day`, shifted during Ramadan 2025. */
function peakSql(day: string): string {
  return `(CASE WHEN list_contains(weekend, ldow(${day})) THEN we_peak ELSE wd_peak END
           + CASE WHEN ramadan AND ${day} >= 90 AND ${day} < 120 THEN 2.5 ELSE 0 END)`;
}

/**
 * SQL: the read-and-reply propensity (0.03–1) of a message sent at local day-time `d`: a bell
 * around the local peak (skewed where the country says so), and flat and low at 01:00–06:00.
 */
function propensitySql(d: string): string {
  const hour = `((${d} - floor(${d})) * 24)`;
  const weekend = `list_contains(weekend, ldow(${d}))`;
  const x = `circ(${hour}, ${peakSql(`floor(${d})`)})`;
  const spread = `CASE WHEN ${weekend} THEN we_spread WHEN ${x} < 0 THEN wd_left ELSE wd_right END`;
  return `(CASE WHEN ${hour} >= 1 AND ${hour} < 6 THEN 0.03
           ELSE 0.05 + 0.95 * exp(-0.5 * pow(${x} / (${spread}), 2)) END)`;
}

/** SQL: a local day-time on integer local day `day` at an hour drawn around the customer's peak. */
function activeAtSql(day: string, salt: string, a: string, b: string): string {
  const wide = `fmod(${peakSql(day)} + 2.2 * nrm('${salt}', ${a}, ${b}) + 48, 24)`;
  const narrow = `fmod(${peakSql(day)} + 0.8 * nrm('${salt}~', ${a}, ${b}) + 48, 24)`;
  return `(${day} + (CASE WHEN ${wide} >= 1 AND ${wide} < 6 THEN ${narrow} ELSE ${wide} END) / 24)`;
}

/** SQL: `d` moved out of the local night (01:00–06:00) to the next morning, 07:00–08:30. */
function afterNightSql(d: string, salt: string, a: string, b: string): string {
  const hour = `((${d} - floor(${d})) * 24)`;
  return `(CASE WHEN ${hour} >= 1 AND ${hour} < 6
           THEN floor(${d}) + (7 + 1.5 * u('${salt}', ${a}, ${b})) / 24 ELSE ${d} END)`;
}

const COUNTRY_COLUMNS = `wd_peak, wd_left, wd_right, we_peak, we_spread, weekend, ramadan, worst_start,
  worst_end, reply_median_h, reply_factor, winter`;

const KIND_INDEX = Object.fromEntries(TEXT_KINDS.map((k, i) => [k, i + 1])) as Record<TextKind, number>;

/** SQL: an inbound text of `kind` (a SQL expression giving the 1-based kind) in language `lang`. */
function textSql(kind: string, words: string): string {
  return `replace(texts[${kind}], '{p}', ${words})`;
}

/** The statements that build the world for `customers` customers. */
export function worldSteps(customers: number, seed: number): Step[] {
  // Phone numbers: an affine bijection of the customer number, offset by the seed (see reference.ts).
  const phoneOffset = (seed % 1000003) * 104729;
  return [
    {
      label: "sample: customers",
      sql: `
        CREATE OR REPLACE TABLE s_cust AS
        WITH b AS (
          SELECT i AS cid, country_pick(u('country', i, 0)) AS country FROM range(1, ${customers} + 1) t(i)
        ), placed AS (
          SELECT b.*, pick(pp.ids, u('place', b.cid, 0)) AS place_id
          FROM b JOIN s_place_pick pp USING (country)
        ), drawn AS (
          SELECT p.*, pl.* EXCLUDE (place_id, country), c.* EXCLUDE (country, weekend_s),
            list_transform(string_split(c.weekend_s, ','), x -> CAST(x AS INTEGER)) AS weekend,
            CASE WHEN u('fs', p.cid, 0) < 0.55 THEN -1065 * (1 - u('fs', p.cid, 1))
                 ELSE ${WORLD_DAYS} * sqrt(u('fs', p.cid, 1)) END AS fs,
            u('segment', p.cid, 0) AS r_segment,
            u('freq', p.cid, 0) AS r_freq
          FROM placed p JOIN s_place pl ON pl.place_id = p.place_id JOIN s_country c ON c.country = p.country
        ), shaped AS (
          SELECT *,
            CASE WHEN r_segment < 0.12 * premium_factor THEN 'premium'
                 WHEN r_segment < 0.12 * premium_factor + 0.28 THEN 'regular' ELSE 'value' END AS segment,
            greatest(fs, 0) AS start,
            CASE WHEN u('bilingual', cid, 0) < bi_share THEN lang2 END AS second_lang,
            (cid * 7919 + ${phoneOffset}) % 6400000 AS nanp
          FROM drawn
        )
        SELECT cid,
          'C' || lpad(CAST(cid AS VARCHAR), 7, '0') AS customer_id,
          country, place_id, zone, lang, second_lang, region, restricted, segment, fs, start,
          CASE WHEN u('churn', cid, 0) < 0.3 THEN start + u('churn', cid, 1) * (${WORLD_DAYS} - start)
               ELSE ${WORLD_DAYS} END AS stop,
          '+' || dial || area || CASE
            WHEN dial = '1' THEN
              CAST(2 + (nanp // 800000) % 8 AS VARCHAR) || CAST(2 + (nanp // 100000) % 8 AS VARCHAR)
              || CAST((nanp // 10000) % 10 AS VARCHAR) || lpad(CAST(nanp % 10000 AS VARCHAR), 4, '0')
            ELSE lpad(CAST((cid * 7919 + ${phoneOffset}) % CAST(pow(10, digits) AS BIGINT) AS VARCHAR), digits, '0')
          END AS phone,
          CASE WHEN u('tz', cid, 0) < 0.5 THEN zone END AS time_zone_col,
          CASE WHEN u('lang', cid, 0) < (CASE WHEN second_lang IS NULL THEN 0.72 ELSE 0.4 END) THEN lang
            END AS language_col,
          CASE WHEN u('source', cid, 0) < 0.30 THEN 'website' WHEN u('source', cid, 0) < 0.58 THEN 'social'
               WHEN u('source', cid, 0) < 0.68 THEN 'offline_event' WHEN u('source', cid, 0) < 0.84 THEN 'referral'
               ELSE 'ads' END AS source,
          CASE WHEN u('optin', cid, 0) < 0.55 THEN 'yes' WHEN u('optin', cid, 0) < 0.70 THEN 'marketing;utility'
               WHEN u('optin', cid, 0) < 0.85 THEN 'utility' WHEN u('optin', cid, 0) < 0.95 THEN 'no' END AS opted_in,
          CASE WHEN pc_prefix IS NOT NULL THEN pc_prefix
            || CASE WHEN pc_digits > 0 THEN lpad(CAST(CAST(floor(u('postcode', cid, 0) * pow(10, pc_digits)) AS BIGINT)
                 AS VARCHAR), pc_digits, '0') ELSE '' END || pc_suffix END AS postcode,
          CASE
            WHEN segment = 'premium' THEN
              CASE WHEN r_freq < 0.25 THEN 'monthly' WHEN r_freq < 0.60 THEN 'quarterly'
                   WHEN r_freq < 0.90 THEN 'yearly' ELSE 'none' END
            ELSE CASE WHEN r_freq < 0.16 THEN 'monthly' WHEN r_freq < 0.46 THEN 'quarterly'
                      WHEN r_freq < 0.78 THEN 'yearly' ELSE 'none' END
          END AS freq,
          category_pick(u('fav', cid, 0)) AS fav,
          CASE WHEN u('habit', cid, 0) < 0.06 THEN 1 + CAST(floor(u('habit', cid, 1) * 7) AS INTEGER) END AS habit_dow,
          least(0.85, 0.16 * exp(0.8 * nrm('aud', cid, 0) - 0.32)) AS aud_rate,
          CASE WHEN u('optin', cid, 0) < 0.70 THEN true WHEN u('optin', cid, 0) < 0.95 THEN false
               ELSE u('optin', cid, 1) < 0.5 END AS marketing_ok,
          u('optin', cid, 0) < 0.85 OR u('optin', cid, 0) >= 0.95 AS utility_ok,
          ${COUNTRY_COLUMNS}
        FROM shaped`,
    },
    {
      label: "sample: customer names",
      sql: `
        CREATE OR REPLACE TABLE s_cust AS
        SELECT c.*, pick(t.names, u('name', c.cid, 0)) || ' ' || chr(65 + CAST(floor(u('name', c.cid, 1) * 26) AS INTEGER)) || '.' AS name
        FROM s_cust c JOIN s_text t ON t.lang = c.lang`,
    },
    {
      label: "sample: deal episodes",
      sql: `
        CREATE OR REPLACE TABLE s_epi AS
        WITH e AS (
          SELECT c.*, unnest(range(CASE WHEN u('epi', cid, 0) < 0.25 THEN 2 WHEN u('epi', cid, 0) < 0.65 THEN 1 ELSE 0 END)) AS e
          FROM s_cust c
        ), d AS (
          SELECT *, floor(start + u('epi-day', cid, e) * (least(stop, ${WORLD_DAYS}) - start)) AS day0,
            inquiry_pick(u('epi-product', cid, e)) AS product_no,
            CASE WHEN u('opens', cid, e) < 0.28 THEN 0 WHEN u('opens', cid, e) < 0.58 THEN 1
                 WHEN u('opens', cid, e) < 0.78 THEN 2 WHEN u('opens', cid, e) < 0.90 THEN 3
                 WHEN u('opens', cid, e) < 0.96 THEN 4 ELSE 5 END AS opens
          FROM e
        ), t AS (
          SELECT *, ${activeAtSql("day0", "epi-hour", "cid", "e")} AS d0 FROM d
        ), q AS (
          SELECT *, d0 + 0.02 + 0.25 * u('quote', cid, e) AS d_quote,
            u('buy', cid, e) < [0.06, 0.10, 0.90, 0.92, 0.94, 0.95][opens + 1] AS buys
          FROM t
        )
        SELECT cid, e, zone, start, stop, lang, second_lang, ${COUNTRY_COLUMNS},
          d0, d_quote, opens, buys, inquiry_sku(product_no) AS sku, inquiry_words(product_no) AS words,
          list_transform(range(1, opens + 1), i -> d_quote + 0.1 + i * (0.3 + 1.2 * u('open', cid, e * 10 + i))) AS d_opens,
          u('compare', cid, e) < CASE WHEN buys THEN 0.45 ELSE 0.05 END AS compares,
          d_quote + 0.2 + 1.5 * u('compare', cid, e + 100) AS d_compare,
          u('longvisit', cid, e) < CASE WHEN buys THEN 0.55 ELSE 0.05 END AS long_visit,
          d_quote + 0.1 + 2 * u('visit', cid, e) AS d_visit,
          d_quote + 4 + 1.5 * (opens + 1) + 10 * u('buy', cid, e + 100) AS d_buy
        FROM q
        WHERE d0 >= start`,
    },
    {
      label: "sample: order plan",
      sql: `
        CREATE OR REPLACE TABLE s_plan AS
        WITH regular AS (
          SELECT *, CASE freq WHEN 'monthly' THEN 24 * exp(0.15 * nrm('period', cid, 0))
                              WHEN 'quarterly' THEN 62 * exp(0.15 * nrm('period', cid, 0))
                              ELSE 170 * exp(0.25 * nrm('period', cid, 0)) END AS period
          FROM s_cust WHERE freq <> 'none'
        ), regular_days AS (
          SELECT *, start + (u('phase', cid, 0) + j) * period + 0.15 * period * nrm('jitter', cid, j) AS raw_day
          FROM (SELECT *, unnest(range(CAST(ceil((stop - start) / period) + 1 AS BIGINT))) AS j FROM regular)
        ), coffee AS (
          SELECT *, start + u('coffee', cid, 1) * (stop - start) * 0.6 AS d_machine,
            17 * exp(0.06 * nrm('cycle', cid, 0)) AS cycle
          FROM s_cust WHERE u('coffee', cid, 0) < 0.05
        ), diapers AS (
          SELECT *, start + u('diaper', cid, 1) * (stop - start) * 0.7 AS d_first,
            300 + 300 * u('diaper', cid, 2) AS span
          FROM s_cust WHERE u('diaper', cid, 0) < 0.04
        ), hikers AS (
          SELECT *, start + u('hike', cid, 1) * (stop - start) AS d_boots, u('hike', cid, 2) AS r
          FROM s_cust WHERE u('hike', cid, 0) < 0.035
        ), phones AS (
          SELECT *, start + u('phone-buy', cid, 1) * (stop - start) AS d_phone, u('phone-buy', cid, 2) AS r
          FROM s_cust WHERE u('phone-buy', cid, 0) < 0.04
        ), planned AS (
          SELECT cid, 1 AS stream, j AS seq, floor(raw_day) AS day, [] :: VARCHAR[] AS fixed,
            CASE WHEN u('items', cid, j) < 0.55 THEN 1 WHEN u('items', cid, j) < 0.82 THEN 2
                 WHEN u('items', cid, j) < 0.94 THEN 3 ELSE 4 END AS n_random, NULL :: DOUBLE AS d_exact
          FROM regular_days
          UNION ALL
          SELECT cid, 3, 0, floor(d_machine),
            CASE WHEN u('coffee', cid, 2) < 0.4 THEN ['COF-MACH-01', 'COF-BEAN-1KG'] ELSE ['COF-MACH-01'] END, 0, NULL
          FROM coffee
          UNION ALL
          SELECT cid, 3, j, floor(d_machine + 6 + 7 * u('coffee', cid, 3) + (j - 1) * cycle + 2 * nrm('beans', cid, j)),
            ['COF-BEAN-1KG'], 0, NULL
          FROM (SELECT *, unnest(range(1, CAST(ceil((stop - d_machine) / cycle) + 1 AS BIGINT))) AS j FROM coffee
                WHERE u('coffee', cid, 4) < 0.9)
          UNION ALL
          SELECT cid, 4, j, floor(d_first + j * 30 * exp(0.03 * nrm('dcycle', cid, 0)) + CASE WHEN j > 0 THEN 3 * nrm('diapers', cid, j) ELSE 0 END),
            ['BAB-DIAP-4'], 0, NULL
          FROM (SELECT *, unnest(range(CAST(ceil(span / 30) AS BIGINT))) AS j FROM diapers)
          WHERE j * 30 < span
          UNION ALL
          SELECT cid, 5, 0, floor(d_boots),
            CASE WHEN r < 0.25 THEN ['OUT-BOOT-01', 'OUT-SPRAY-01'] ELSE ['OUT-BOOT-01'] END, 0, NULL
          FROM hikers
          UNION ALL
          SELECT cid, 5, 1, floor(d_boots + 5 + 55 * u('hike', cid, 3)), ['OUT-SPRAY-01'], 0, NULL
          FROM hikers WHERE r >= 0.25 AND r < 0.60
          UNION ALL
          SELECT cid, 6, 0, floor(d_phone),
            CASE WHEN r < 0.45 THEN ['ELE-PHONE-01', 'ACC-CASE-01'] ELSE ['ELE-PHONE-01'] END, 0, NULL
          FROM phones
          UNION ALL
          SELECT cid, 6, 1, floor(d_phone + 1 + 13 * u('phone-buy', cid, 3)), ['ACC-CASE-01'], 0, NULL
          FROM phones WHERE r >= 0.45 AND r < 0.70
          UNION ALL
          SELECT cid, 7, e, floor(d_buy), [sku], 0, d_buy FROM s_epi WHERE buys
        ), timed AS (
          SELECT p.*, c.zone, c.segment, c.fav, c.restricted, c.winter,
            coalesce(p.d_exact, ${activeAtSql("p.day", "order-hour", "p.cid", "p.stream * 100000 + p.seq")}) AS d,
            c.start, c.stop
          FROM planned p JOIN s_cust c USING (cid)
        ), kept AS (
          SELECT * FROM timed WHERE d >= start AND d < stop AND d < ${WORLD_DAYS}
        ), with_siblings AS (
          SELECT * EXCLUDE (start, stop, d_exact) FROM kept
          UNION ALL BY NAME
          -- A second order on the same local day, a few hours later.
          SELECT cid, 2 AS stream, seq, day, [] :: VARCHAR[] AS fixed, 1 AS n_random, zone, segment, fav,
            restricted, winter, floor(d) + least(0.999, d - floor(d) + (1 + 3 * u('sibling', cid, seq)) / 24) AS d
          FROM kept WHERE stream = 1 AND u('sibling', cid, seq) < 0.03
        )
        SELECT *, stream * 100000 + seq AS okey,
          CASE WHEN winter AND month(ldate(d)) IN (11, 12, 1) AND stream = 1 AND u('jacket', cid, seq) < 0.3
               THEN list_append(fixed, jacket_pick(u('jacket', cid, seq + 1))) ELSE fixed END AS skus
        FROM with_siblings`,
    },
    {
      label: "sample: order items",
      sql: `
        CREATE OR REPLACE TABLE s_items_raw AS
        SELECT cid, okey, unnest(skus) AS sku, 1 AS quantity, generate_subscripts(skus, 1) AS line
        FROM s_plan
        UNION ALL
        SELECT r.cid, r.okey, pr.sku,
          CASE WHEN u('qty', r.cid, r.okey * 8 + r.k) < 0.8 THEN 1 WHEN u('qty', r.cid, r.okey * 8 + r.k) < 0.95 THEN 2 ELSE 3 END,
          10 + r.k
        FROM (
          SELECT p.cid, p.okey, p.fav, p.k,
            CASE WHEN u('fav-pick', p.cid, p.okey * 8 + p.k) < 0.4 THEN 'category' ELSE 'band' END AS kind,
            CASE WHEN u('fav-pick', p.cid, p.okey * 8 + p.k) < 0.4 THEN p.fav
                 ELSE CASE p.segment
                   WHEN 'value' THEN CASE WHEN u('band', p.cid, p.okey * 8 + p.k) < 0.78 THEN 'low' WHEN u('band', p.cid, p.okey * 8 + p.k) < 0.98 THEN 'mid' ELSE 'high' END
                   WHEN 'regular' THEN CASE WHEN u('band', p.cid, p.okey * 8 + p.k) < 0.50 THEN 'low' WHEN u('band', p.cid, p.okey * 8 + p.k) < 0.92 THEN 'mid' ELSE 'high' END
                   ELSE CASE WHEN u('band', p.cid, p.okey * 8 + p.k) < 0.20 THEN 'low' WHEN u('band', p.cid, p.okey * 8 + p.k) < 0.60 THEN 'mid' ELSE 'high' END
                 END END AS key
          FROM (SELECT *, unnest(range(n_random)) AS k FROM s_plan) p
        ) r
        JOIN s_pick sp ON sp.kind = r.kind AND sp.key = r.key
        JOIN s_product pr ON pr.idx = pick(sp.idxs, u('sku', r.cid, r.okey * 8 + r.k))`,
    },
    {
      label: "sample: orders",
      sql: `
        CREATE OR REPLACE TABLE s_items AS
        SELECT i.cid, i.okey, i.sku, sum(i.quantity) AS quantity, min(i.line) AS line
        FROM s_items_raw i GROUP BY ALL;
        DROP TABLE s_items_raw;
        CREATE OR REPLACE TABLE s_orders AS
        WITH amounts AS (
          SELECT i.cid, i.okey, sum(i.quantity * CAST(p.price AS DECIMAL(12, 2))) AS amount
          FROM s_items i JOIN s_product p USING (sku) GROUP BY ALL
        ), timed AS (
          SELECT p.cid, p.okey, p.stream, p.seq, p.d, p.zone, a.amount, at_utc(p.d, z.off_s) AS ordered_at,
            CASE WHEN u('cancel', p.cid, p.okey) < CASE WHEN p.restricted THEN 0.15 ELSE 0.03 END THEN 'cancelled'
                 WHEN u('refund', p.cid, p.okey) < 0.03 THEN 'refunded' ELSE 'paid' END AS final_status
          FROM s_plan p JOIN amounts a USING (cid, okey)
          JOIN s_zone_offset z ON z.zone = p.zone AND z.day = CAST(floor(p.d) AS INTEGER)
        )
        SELECT *, 'O' || CAST(100000 + row_number() OVER (ORDER BY ordered_at, cid, okey) AS VARCHAR) AS order_id,
          ordered_at + to_seconds(CAST(86400 * (3 + 17 * u('refund', cid, okey + 1)) AS BIGINT)) AS refunded_at
        FROM timed;
        DROP TABLE s_plan`,
    },
    {
      label: "sample: campaigns",
      sql: `
        CREATE OR REPLACE TABLE s_camp0 AS
        SELECT k AS camp_no, floor(3.5 * (k - 1) + 1 + 0.5 * u('camp', k, 0)) AS launch_day,
          CASE WHEN k % 10 = 0 THEN 'utility' ELSE 'marketing' END AS category
        FROM range(1, 209) t(k);
        CREATE OR REPLACE TABLE s_camp AS
        SELECT *, 'CMP-' || strftime(ldate(launch_day), '%Y%m%d') || '-' || lpad(CAST(camp_no AS VARCHAR), 3, '0') AS campaign_id,
          CASE
            WHEN category = 'utility' THEN 'Delivery update: orders placed on public holidays ship the next working day.'
            WHEN launch_day >= 86 AND launch_day < 120 THEN 'Ramadan offers: gifts and dates boxes with free delivery this week.'
            WHEN month(ldate(launch_day)) = 11 AND day(ldate(launch_day)) BETWEEN 1 AND 11 THEN '11.11 sale: up to 40% off for one day only, reply to reserve yours.'
            WHEN month(ldate(launch_day)) IN (11, 12, 1) THEN 'Winter collection: warm jackets are back in stock, tap the link to see them.'
            ELSE campaign_name(camp_no) || ': fresh picks for you this week. Tap the link or reply for details.'
          END AS body
        FROM s_camp0 WHERE launch_day < ${WORLD_DAYS};
        DROP TABLE s_camp0`,
    },
    {
      label: "sample: campaign sends",
      sql: `
        CREATE OR REPLACE TABLE s_send AS
        WITH sent AS (
          SELECT c.cid, c.zone, c.country, c.lang, c.second_lang, c.stop, c.habit_dow, ${COUNTRY_COLUMNS},
            k.camp_no, k.campaign_id, k.category, k.body,
            -- Sent over the four days from the launch: launches fall on Mondays and Thursdays, so
            -- every local weekday, weekends included, gets campaign sends to measure windows on.
            k.launch_day + floor(4 * u('send-day', c.cid, k.camp_no))
              + CASE WHEN u('send-hour', c.cid, k.camp_no) < 0.82 THEN 7 + 16 * u('send-hour', c.cid, k.camp_no + 1000)
                     ELSE 24 * u('send-hour', c.cid, k.camp_no + 1000) END / 24 AS d_sent
          FROM s_cust c CROSS JOIN s_camp k
          WHERE k.launch_day >= c.start
            AND CASE WHEN k.category = 'marketing' THEN c.marketing_ok ELSE c.utility_ok END
            AND u('aud', c.cid, k.camp_no) < c.aud_rate
        ), rated AS (
          SELECT *, ${propensitySql("d_sent")} AS f, d_sent >= stop AS gone,
            ((d_sent - floor(d_sent)) * 24) AS h_sent,
            CASE WHEN country = 'US' AND category = 'marketing' AND d_sent >= 121 THEN '131049'
                 WHEN u('fail', cid, camp_no) < 0.02 THEN '131026' END AS error_code
          FROM sent WHERE d_sent < ${WORLD_DAYS}
        ), reads AS (
          SELECT *, error_code IS NULL AND u('read', cid, camp_no) < CASE WHEN gone THEN 0.03 ELSE 0.35 + 0.6 * f END AS is_read,
            CASE
              WHEN habit_dow IS NOT NULL AND u('habit', cid, camp_no) < 0.8 THEN
                floor(d_sent) + ((habit_dow - ldow(d_sent) + 7) % 7) + (20 + 2 * u('habit-h', cid, camp_no)) / 24
                + CASE WHEN floor(d_sent) + ((habit_dow - ldow(d_sent) + 7) % 7) + 20.0 / 24 <= d_sent THEN 7 ELSE 0 END
              WHEN u('fast', cid, camp_no) < 0.3 + 0.6 * f THEN d_sent - ln(1 - u('delay', cid, camp_no)) * 12 / 1440
              ELSE d_sent + exp(ln(3) + 0.8 * nrm('delay', cid, camp_no)) / 24
            END AS d_read_raw
          FROM rated
        ), replied AS (
          SELECT *, ${afterNightSql("d_read_raw", "read-morning", "cid", "camp_no")} AS d_read,
            is_read AND category = 'marketing' AND u('stop', cid, camp_no) <
              CASE WHEN (worst_start < worst_end AND h_sent >= worst_start AND h_sent < worst_end)
                     OR (worst_start > worst_end AND (h_sent >= worst_start OR h_sent < worst_end))
                   THEN 0.06 ELSE 0.004 END AS stops
          FROM reads
        )
        SELECT *,
          stops OR (is_read AND NOT gone AND u('reply', cid, camp_no) < reply_factor * (0.02 + 0.3 * f)) AS replies,
          ${afterNightSql(
            "d_read + exp(ln(reply_median_h * (1.6 - f)) + 0.7 * nrm('reply-delay', cid, camp_no)) / 24",
            "reply-morning",
            "cid",
            "camp_no",
          )} AS d_reply,
          is_read AND NOT stops AND u('click', cid, camp_no) < 0.06 + 0.25 * f AS clicks,
          d_sent + (2 + 60 * u('deliver', cid, camp_no)) / 86400 AS d_delivered,
          d_sent + (1 + 30 * u('deliver', cid, camp_no)) / 86400 AS d_failed
        FROM replied`,
    },
  ];
}

/**
 * The SELECT of every message in the world, with instants as TIMESTAMPTZ; `cutoff` filtering and
 * formatting happen in the caller.
 */
export function messagesSql(): string {
  const hello = KIND_INDEX.hello;
  const lang = (salt: string, a: string, b: string) =>
    `CASE WHEN second_lang IS NOT NULL AND u('${salt}', ${a}, ${b}) < 0.4 THEN second_lang ELSE lang END`;
  return `
    WITH welcome AS (
      SELECT c.*, CASE WHEN fs >= 0 THEN fs
                       ELSE ${activeAtSql("floor(300 * u('welcome', cid, 0))", "welcome-h", "cid", "0")} END AS d
      FROM s_cust c
    ), surge AS (
      SELECT c.*, m, date_diff('day', DATE '${WORLD_START}', CAST(DATE '${WORLD_START}' + to_months(CAST(m + 1 AS INTEGER)) AS DATE)) AS month_end
      FROM s_cust c CROSS JOIN range(0, 24) t(m)
      WHERE u('surge', c.cid, m) < 0.01
    ), surge_msgs AS (
      SELECT *, unnest(range(3 + CAST(floor(5 * u('surge-n', cid, m)) AS INTEGER))) AS i FROM surge
      WHERE month_end - 7 >= start AND month_end <= least(stop, ${WORLD_DAYS})
    ), inbound AS (
      SELECT cid, zone, 'W' AS stream, 0 AS k, 0 AS part, d, ${hello} AS kind, '' AS words,
        ${lang("w-lang", "cid", "0")} AS msg_lang
      FROM welcome
      UNION ALL
      SELECT cid, zone, 'E', e, 1, d0, CASE WHEN u('ask-kind', cid, e) < 0.5 THEN ${KIND_INDEX.ask} ELSE ${KIND_INDEX.quote} END,
        words, ${lang("e-lang", "cid", "e")}
      FROM s_epi
      UNION ALL
      SELECT cid, zone, 'E', e, 3, d_compare, ${KIND_INDEX.compare}, words, ${lang("e-lang", "cid", "e + 10")}
      FROM s_epi WHERE compares AND d_compare < stop
      UNION ALL
      SELECT cid, zone, 'E', e, 4, d_buy - 0.02, ${KIND_INDEX.buy}, words, ${lang("e-lang", "cid", "e + 20")}
      FROM s_epi WHERE buys AND d_buy < stop
      UNION ALL
      SELECT cid, zone, 'U', m * 10 + i, 0,
        ${activeAtSql("(month_end - 7 + floor(7 * u('surge-day', cid, m * 10 + i)))", "surge-h", "cid", "m * 10 + i")},
        CASE WHEN u('surge-kind', cid, m * 10 + i) < 0.5 THEN ${KIND_INDEX.question} ELSE ${KIND_INDEX.ask} END,
        inquiry_words(inquiry_pick(u('surge-p', cid, m * 10 + i))), ${lang("u-lang", "cid", "m * 10 + i")}
      FROM surge_msgs
      UNION ALL
      SELECT cid, zone, 'C', camp_no, 1, d_reply,
        CASE WHEN stops THEN ${KIND_INDEX.stop} WHEN u('reply-kind', cid, camp_no) < 0.55 THEN ${KIND_INDEX.thanks}
             WHEN u('reply-kind', cid, camp_no) < 0.8 THEN ${KIND_INDEX.question} ELSE ${KIND_INDEX.ask} END,
        inquiry_words(inquiry_pick(u('reply-p', cid, camp_no))), ${lang("c-lang", "cid", "camp_no")}
      FROM s_send WHERE replies
    ), msgs AS (
      SELECT 'M-' || i.stream || '-' || CAST(i.cid AS VARCHAR) || '-' || CAST(i.k AS VARCHAR) || '-' || CAST(i.part AS VARCHAR) AS message_id,
        i.cid, i.zone, 'in' AS direction, i.d AS d_sent, NULL :: DOUBLE AS d_delivered, NULL :: DOUBLE AS d_read,
        NULL :: DOUBLE AS d_failed, ${textSql("i.kind", "i.words")} AS text, NULL AS campaign_id, NULL AS category,
        NULL AS error_code
      FROM inbound i JOIN s_text t ON t.lang = i.msg_lang
      WHERE i.d < ${WORLD_DAYS}
      UNION ALL
      SELECT 'M-C-' || CAST(cid AS VARCHAR) || '-' || CAST(camp_no AS VARCHAR) || '-0', cid, zone, 'out', d_sent,
        CASE WHEN error_code IS NULL THEN d_delivered END, CASE WHEN is_read THEN d_read END,
        CASE WHEN error_code IS NOT NULL THEN d_failed END, body, campaign_id, category, error_code
      FROM s_send
      UNION ALL
      SELECT 'M-E-' || CAST(cid AS VARCHAR) || '-' || CAST(e AS VARCHAR) || '-2', cid, zone, 'out', d_quote,
        d_quote + 5.0 / 86400, d_quote + 0.01 + 0.2 * u('quote-read', cid, e), NULL,
        'Here is your quote for the ' || words || ': https://shop.example.com/q/' || CAST(cid AS VARCHAR) || '-' || CAST(e AS VARCHAR),
        NULL, 'utility', NULL
      FROM s_epi WHERE d_quote < least(stop, ${WORLD_DAYS})
      UNION ALL
      SELECT 'M-O-' || order_id, cid, zone, 'out', d + 60.0 / 86400, d + 64.0 / 86400,
        CASE WHEN u('conf-read', cid, okey) < 0.85 THEN d + (120 + 7200 * u('conf-read', cid, okey + 1)) / 86400 END,
        NULL, 'Thanks for your order ' || order_id || '! We will message you again when it ships.', NULL, 'utility', NULL
      FROM s_orders
    )
    -- All instants of a message use the offset of the day it was sent.
    SELECT m.message_id, m.cid, m.direction, at_utc(m.d_sent, z.off_s) AS sent_at,
      at_utc(m.d_delivered, z.off_s) AS delivered_at, at_utc(m.d_read, z.off_s) AS read_at,
      at_utc(m.d_failed, z.off_s) AS failed_at, m.text, m.campaign_id, m.category, m.error_code
    FROM msgs m JOIN s_zone_offset z ON z.zone = m.zone AND z.day = CAST(floor(m.d_sent) AS INTEGER)`;
}

/** The SELECT of every web event in the world (instants as TIMESTAMPTZ). */
export function webEventsSql(): string {
  const duration = (median: number, salt: string, a: string, b: string) =>
    `CAST(round(exp(ln(${median}) + 0.7 * nrm('${salt}', ${a}, ${b}))) AS INTEGER)`;
  return `
    WITH ev AS (
      -- Product pages viewed in the days before 35% of ordinary orders.
      SELECT o.cid, o.zone, o.d - (0.05 + 3 * u('pre-view', o.cid, o.okey * 4 + v)) AS d, 'page_view' AS kind, i.sku,
        ${duration(45, "pre-dur", "o.cid", "o.okey * 4 + v")} AS duration_s
      FROM (SELECT *, unnest(range(1 + CAST(floor(3 * u('pre-views', cid, okey)) AS INTEGER))) AS v
            FROM s_orders WHERE stream = 1 AND u('pre-views', cid, okey + 1) < 0.35) o
      JOIN s_items i ON i.cid = o.cid AND i.okey = o.okey AND i.line = 10
      UNION ALL
      -- Deal episodes: the product page, the quote opens, and one visit (long for most buyers).
      SELECT cid, zone, d0 - 2 + 2.5 * u('epi-view', cid, e * 10 + v), 'page_view', sku,
        ${duration(70, "epi-dur", "cid", "e * 10 + v")}
      FROM (SELECT *, unnest(range(1 + CAST(floor(4 * u('epi-views', cid, e)) AS INTEGER))) AS v FROM s_epi)
      UNION ALL
      SELECT cid, zone, unnest(d_opens), 'quote_open', sku, NULL FROM s_epi
      UNION ALL
      SELECT cid, zone, d_visit, 'visit', NULL,
        CASE WHEN long_visit THEN CAST(500 + 1000 * u('visit-long', cid, e) AS INTEGER)
             ELSE least(470, ${duration(80, "visit-dur", "cid", "e")}) END
      FROM s_epi WHERE long_visit OR u('visit', cid, e + 10) < 0.6
      UNION ALL
      -- Researched, not bought: one item viewed 3–6 times over a few days; a third priced ≥ 500.
      SELECT r.cid, r.zone, r.d_r + r.v * (0.2 + 2 * u('res-gap', r.cid, r.v)), 'page_view',
        coalesce(r.big_sku, p.sku), ${duration(95, "res-dur", "r.cid", "r.v")}
      FROM (
        SELECT c.cid, c.zone, c.start + u('res', c.cid, 1) * (c.stop - c.start) AS d_r,
          CASE WHEN u('res', c.cid, 2) < 0.35
               THEN pick(['ELE-IP15P', 'ELE-XM14', 'ELE-LAP-14', 'HOM-TV-55'], u('res', c.cid, 3)) END AS big_sku,
          pick(sp.idxs, u('res', c.cid, 4)) AS idx,
          unnest(range(3 + CAST(floor(4 * u('res', c.cid, 5)) AS INTEGER))) AS v
        FROM s_cust c JOIN s_pick sp ON sp.kind = 'band' AND sp.key = 'high'
        WHERE u('res', c.cid, 0) < 0.07
      ) r JOIN s_product p ON p.idx = r.idx
      UNION ALL
      -- Link clicks on campaign messages, minutes after reading.
      SELECT cid, zone, d_read + (1 + 10 * u('click-at', cid, camp_no)) / 1440, 'link_click', NULL, NULL
      FROM s_send WHERE clicks
      UNION ALL
      -- Ordinary site visits, about one every 90 active days; 8+ minutes is rare (~0.4%).
      SELECT cid, zone, ${activeAtSql("floor(start + u('bg-day', cid, v) * (stop - start))", "bg-h", "cid", "v")},
        'visit', NULL, ${duration(75, "bg-dur", "cid", "v")}
      FROM (SELECT *, unnest(range(CAST(floor((stop - start) / 90 * 2 * u('bg', cid, 0)) AS INTEGER))) AS v FROM s_cust)
      UNION ALL
      -- Interaction surges: page views in the last week of a month.
      SELECT cid, zone, ${activeAtSql("(month_end - 7 + floor(7 * u('surge-vd', cid, m * 10 + v)))", "surge-vh", "cid", "m * 10 + v")},
        'page_view', inquiry_sku(inquiry_pick(u('surge-vp', cid, m * 10 + v))), ${duration(60, "surge-dur", "cid", "m * 10 + v")}
      FROM (
        SELECT c.*, m, date_diff('day', DATE '${WORLD_START}', CAST(DATE '${WORLD_START}' + to_months(CAST(m + 1 AS INTEGER)) AS DATE)) AS month_end,
          unnest(range(2 + CAST(floor(4 * u('surge-v', c.cid, m)) AS INTEGER))) AS v
        FROM s_cust c CROSS JOIN range(0, 24) t(m)
        WHERE u('surge', c.cid, m) < 0.01
      ) s
      WHERE month_end - 7 >= start AND month_end <= least(stop, ${WORLD_DAYS})
    )
    SELECT c.customer_id, at_utc(ev.d, z.off_s) AS "at", ev.kind, ev.sku,
      CASE WHEN ev.kind IN ('page_view', 'quote_open') THEN p.price END AS price, ev.duration_s
    FROM ev LEFT JOIN s_product p ON p.sku = ev.sku
    JOIN s_cust c ON c.cid = ev.cid
    JOIN s_zone_offset z ON z.zone = ev.zone AND z.day = CAST(floor(ev.d) AS INTEGER)
    WHERE ev.d >= c.start AND ev.d < ${WORLD_DAYS}`;
}
