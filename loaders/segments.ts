import {queryRows} from "../lib/duckdb.js";
import {maskedCustomerIdSql, maskedNameSql, maskedPhoneSql} from "../lib/privacy.js";
import {EXCLUSION_REASONS, segmentsAsOf} from "../lib/segments/build.js";
import type {LoaderContext} from "./serve.js";

/**
 * The segments page's data: each list's size, who was left out and why, and a short preview per
 * list. Names and phone numbers are masked here, in SQL, so full contact details never reach the
 * page's JSON (only the downloads carry them, and only when settings allow).
 */
export async function segmentsPage({connection, asOf, previousAsOf, settings, log}: LoaderContext) {
  const segments = await segmentsAsOf(connection, asOf, settings);
  log(`${segments.length} segments built`);
  const s = settings.segments;
  const previews = await queryRows(
    connection,
    `SELECT segment, ${maskedCustomerIdSql("customer_id")} AS customer_id, ${maskedNameSql("name")} AS name,
       ${maskedPhoneSql("wa_id")} AS phone,
       country, language, time_zone, message_kind, next_send_utc, next_send_local, tags, why
     FROM seg_rows
     QUALIFY row_number() OVER (PARTITION BY segment ORDER BY seg_rows.customer_id) <= ${s.previewRows}
     ORDER BY position, seg_rows.customer_id`,
    "segment previews",
  );
  return {
    asOf,
    previousAsOf,
    contactsInSite: s.contactsInSite,
    rules: {
      frequencyCap: s.frequencyCap,
      tierCaps: s.tierCaps,
      capWindowDays: s.capWindowDays,
      inactiveDays: s.inactiveDays,
      winBackMaxDays: s.winBackMaxDays,
      noMarketingCountries: s.noMarketingCountries,
    },
    reasons: EXCLUSION_REASONS,
    segments,
    previews,
  };
}
