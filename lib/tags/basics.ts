import type {DuckDBConnection} from "@duckdb/node-api";
import {run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {loadPhoneReference, resolveSharedCodes} from "./phone.js";

/**
 * Words that mark a message's language when its script does not (Latin-script languages).
 * A message counts for the language with the most matches; a script (Arabic, Hangul, Han…)
 * decides on its own. Kept short on purpose: common function words and shop words only.
 */
export const LANGUAGE_WORDS: Record<string, string[]> = {
  en: ["the", "and", "you", "is", "are", "please", "thanks", "thank", "what", "how", "want", "price", "hello", "hi", "can", "my"],
  es: ["el", "los", "las", "que", "por", "favor", "gracias", "quiero", "precio", "hola", "cuánto", "para", "está", "comparar"],
  pt: ["você", "obrigado", "obrigada", "não", "quero", "preço", "olá", "tem", "isso", "para", "comparar", "está"],
  de: ["ich", "und", "nicht", "danke", "bitte", "ist", "das", "wie", "preis", "hallo", "vergleichen", "haben"],
  fr: ["je", "et", "merci", "vous", "est", "les", "bonjour", "prix", "pour", "comparer", "avez"],
  id: ["saya", "terima", "kasih", "tidak", "apa", "harga", "mau", "ini", "itu", "bandingkan", "ada"],
  it: ["grazie", "sono", "che", "prezzo", "ciao", "per", "confrontare", "vorrei"],
};

/** Scripts that identify a language by themselves (RE2 Unicode classes). */
const LANGUAGE_SCRIPTS: Record<string, string> = {
  ar: "\\p{Arabic}",
  ko: "\\p{Hangul}",
  ja: "\\p{Hiragana}|\\p{Katakana}",
  zh: "\\p{Han}",
  ru: "\\p{Cyrillic}",
  he: "\\p{Hebrew}",
  th: "\\p{Thai}",
  hi: "\\p{Devanagari}",
};

function languageScoreSql(): string {
  const arms = Object.entries(LANGUAGE_WORDS).map(
    ([lang, words]) =>
      `{'lang': '${lang}', 'hits': len(regexp_extract_all(lower(text), '(^|[^\\p{L}])(${words.join("|")})($|[^\\p{L}])'))}`,
  );
  return `[${arms.join(", ")}]`;
}

/**
 * Computes country, time zone, language and shipping restriction for every customer as of a date
 * into customer_basics, each with the reason it was decided.
 *
 * Country: the country column wins; else the calling code, and for codes several countries share
 * (+1, +7…) the whole number through libphonenumber. Time zone: the time_zone column wins (if it
 * is an IANA zone); else the number's prefix when it maps to one zone, or the country when it has
 * one zone; else "unknown", never a guess. Language: the language column; else the languages of
 * the customer's own messages (two languages each in at least 30% of them give "de/fr").
 */
export async function computeBasics(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const label = `basic tags as of ${asOf}`;
  await loadPhoneReference(connection);

  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE basics_phone AS
     WITH codes AS (
       SELECT code, any_value(country) AS country, bool_or(shared) AS shared FROM ref_calling_code GROUP BY code)
     SELECT c.customer_id, c.wa_id, coalesce(c1.code, c2.code, c3.code) AS code,
            coalesce(c1.country, c2.country, c3.country) AS code_country,
            coalesce(c1.shared, c2.shared, c3.shared, false) AS shared
     FROM customers c
     LEFT JOIN codes c1 ON c1.code = left(c.wa_id, 1)
     LEFT JOIN codes c2 ON c2.code = left(c.wa_id, 2)
     LEFT JOIN codes c3 ON c3.code = left(c.wa_id, 3)`,
    label,
  );
  await resolveSharedCodes(connection, asOf);

  // Longest matching prefix of the number in libphonenumber's zone map, one join per length.
  const lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE basics_prefix AS
     SELECT customer_id, arg_max(prefix, len) AS prefix, arg_max(zones, len) AS zones FROM (
       ${lengths
         .map(
           (n) => `SELECT b.customer_id, z.prefix, z.len, z.zones FROM basics_phone b
                   JOIN ref_phone_zone z ON z.len = ${n} AND z.prefix = left(b.wa_id, ${n})`,
         )
         .join("\n       UNION ALL ")}
     ) GROUP BY customer_id`,
    label,
  );

  await run(connection, languageSql(asOf, settings.ingest.timeZone), label);

  const restricted = settings.tags.shippingRestricted;
  const restrictedSql =
    restricted.length === 0
      ? "false"
      : restricted
          .map((r) => {
            const parts = [`country = ${sqlString(r.country.toUpperCase())}`];
            if (r.region) parts.push(`lower(c.region) = ${sqlString(r.region.toLowerCase())}`);
            if (r.postcodePrefix) parts.push(`starts_with(c.postcode, ${sqlString(r.postcodePrefix)})`);
            return `(${parts.join(" AND ")})`;
          })
          .join(" OR ");

  await run(connection, "DELETE FROM customer_basics WHERE as_of = CAST($asOf AS DATE)", label, {asOf});
  await run(
    connection,
    `INSERT INTO customer_basics
     WITH zones AS (SELECT name FROM pg_timezone_names()),
     country AS (
       SELECT c.*, b.code, b.shared, p.prefix, p.zones AS prefix_zones,
         CASE
           WHEN c.country IS NOT NULL THEN c.country
           WHEN b.shared THEN pc.country
           ELSE b.code_country
         END AS country_code,
         CASE
           WHEN c.country IS NOT NULL THEN 'country column'
           WHEN c.wa_id IS NULL THEN 'unknown: no phone number and no country column'
           WHEN b.code IS NULL THEN 'unknown: +' || c.wa_id || ' starts with no calling code'
           WHEN b.shared AND pc.country IS NULL
             THEN 'unknown: +' || c.wa_id || ' is not a valid number in any country sharing +' || b.code
           WHEN b.shared THEN 'phone number +' || c.wa_id || ' (calling code +' || b.code || ' is shared; the area code decides)'
           ELSE 'calling code +' || b.code || ' of +' || c.wa_id
         END AS country_why
       FROM customers c
       LEFT JOIN basics_phone b USING (customer_id)
       LEFT JOIN phone_country pc ON pc.wa_id = c.wa_id
       LEFT JOIN basics_prefix p USING (customer_id)
     ),
     decided AS (
       SELECT k.*, rc.zone AS country_zone,
         CASE
           WHEN k.time_zone IN (SELECT name FROM zones) THEN k.time_zone
           WHEN k.time_zone IS NOT NULL THEN NULL
           WHEN k.prefix_zones IS NOT NULL AND NOT contains(k.prefix_zones, ',') AND ${placeSql("k", settings)} THEN k.prefix_zones
           WHEN rc.zone IS NOT NULL THEN rc.zone
           ELSE ${settings.tags.unknownTimeZone === null ? 'NULL' : sqlString(settings.tags.unknownTimeZone)}
         END AS zone
       FROM country k LEFT JOIN ref_country_zone rc ON rc.country = k.country_code
     )
     SELECT CAST($asOf AS DATE), d.customer_id, d.wa_id, coalesce(d.country_code, 'unknown'), d.country_why,
       coalesce(d.zone, 'unknown'),
       CASE
         WHEN d.time_zone IS NOT NULL AND d.zone IS NULL
           THEN 'unknown: time_zone column "' || d.time_zone || '" is not an IANA zone'
         WHEN d.time_zone IS NOT NULL THEN 'time_zone column'
         WHEN d.prefix_zones IS NOT NULL AND NOT contains(d.prefix_zones, ',') AND ${placeSql("d", settings)}
           THEN 'number prefix +' || d.prefix || ' is in ' || d.prefix_zones
         WHEN d.country_zone IS NOT NULL THEN coalesce(d.country_code, '') || ' has one time zone'
         WHEN d.zone IS NOT NULL THEN 'tags.unknownTimeZone: own zone not known'
         WHEN d.prefix_zones IS NOT NULL AND NOT contains(d.prefix_zones, ',')
           THEN 'unknown: +' || d.wa_id || ' is in a national mobile range (tags.nationalMobilePrefixes), not a place, though '
             || 'listed under ' || d.prefix_zones || '; ' || d.country_code || ' has several time zones'
         WHEN d.prefix_zones IS NOT NULL
           THEN 'unknown: prefix +' || d.prefix || ' spans ' || replace(d.prefix_zones, ',', ', ')
         WHEN d.country_code IS NOT NULL THEN 'unknown: ' || d.country_code || ' has several time zones and the number does not say which'
         ELSE 'unknown: no country'
       END,
       coalesce(d.language_tag, l.detected, 'unknown'),
       CASE
         WHEN d.language_tag IS NOT NULL THEN 'language column'
         WHEN l.detected IS NOT NULL THEN l.why
         ELSE 'unknown: no language column and no classifiable message'
       END,
       ${restrictedSql.replaceAll("country =", "d.country_code =").replaceAll("c.region", "d.region").replaceAll("c.postcode", "d.postcode")}
     FROM (SELECT *, upper(replace(replace(replace(language, ',', '/'), ';', '/'), ' ', '')) AS language_tag FROM decided) d
     LEFT JOIN basics_language l USING (customer_id)`,
    label,
    {asOf},
  );
}

/**
 * SQL: whether a customer's number prefix can be trusted for a zone, i.e. the number is not in one
 * of tags.nationalMobilePrefixes (mobile ranges issued anywhere in a several-zone country, which
 * libphonenumber still files under one zone).
 */
function placeSql(alias: string, settings: Settings): string {
  const ranges = settings.tags.nationalMobilePrefixes;
  if (ranges.length === 0) return "true";
  return `NOT coalesce(${ranges.map((p) => `starts_with(${alias}.wa_id, ${sqlString(p)})`).join(" OR ")}, false)`;
}

/**
 * Per-customer language from their inbound messages up to the end of the as-of date in the shop's
 * zone (customer zones are not known yet here; the bound must not depend on the session zone).
 */
function languageSql(asOf: string, shopZone: string): string {
  const scripts = Object.entries(LANGUAGE_SCRIPTS)
    .map(([lang, pattern]) => `WHEN regexp_matches(text, '${pattern}') THEN '${lang}'`)
    .join("\n         ");
  return `CREATE OR REPLACE TEMP TABLE basics_language AS
    WITH inbound AS (
      SELECT customer_id, text FROM messages
      WHERE direction = 'in' AND text IS NOT NULL AND length(text) > 1
        AND sent_at < timezone(${sqlString(shopZone)}, CAST(CAST('${asOf}' AS DATE) + 1 AS TIMESTAMP))
        AND customer_id IN (SELECT customer_id FROM customers WHERE language IS NULL)
    ),
    classified AS (
      SELECT customer_id, CASE
         ${scripts}
         ELSE (list_filter(scores, lambda x: x.hits > 0
                 AND x.hits = list_max(list_transform(scores, lambda y: y.hits))))[1].lang
       END AS lang
      FROM (SELECT customer_id, text, ${languageScoreSql()} AS scores FROM inbound)
    ),
    shares AS (
      SELECT customer_id, lang, count(*) AS n, count(*) / sum(count(*)) OVER (PARTITION BY customer_id) AS share
      FROM classified WHERE lang IS NOT NULL GROUP BY customer_id, lang
    )
    SELECT customer_id,
      string_agg(upper(lang), '/' ORDER BY share DESC, lang) FILTER (WHERE share >= 0.3) AS detected,
      'detected from ' || sum(n) || ' messages: ' ||
        string_agg(lang || ' ' || round(100 * share) || '%', ', ' ORDER BY share DESC, lang) AS why
    FROM shares GROUP BY customer_id`;
}
