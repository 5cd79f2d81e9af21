import {parseArgs} from "node:util";
import {closeDatabase, openDatabase, queryRows} from "../lib/duckdb.js";
import {writeQueryTo, type ExportFormat} from "../lib/export.js";
import {stderrLog} from "../lib/progress.js";
import {EXCLUSION_REASONS, segmentRowsSql, segmentsAsOf} from "../lib/segments/build.js";
import {loadSettings} from "../lib/settings/index.js";
import {latestDrop, warehousePath} from "../lib/warehouse.js";
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
    `SELECT segment, customer_id,
       CASE WHEN name IS NULL THEN NULL ELSE left(name, 1) || '•••' END AS name,
       CASE WHEN wa_id IS NULL THEN NULL
            ELSE '+' || repeat('•', greatest(length(wa_id) - 3, 0)) || right(wa_id, 3) END AS phone,
       country, language, time_zone, message_kind, next_send_utc, next_send_local, tags, why
     FROM seg_rows
     QUALIFY row_number() OVER (PARTITION BY segment ORDER BY customer_id) <= ${s.previewRows}
     ORDER BY position, customer_id`,
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

/**
 * A download loader: writes one list (or every list, with a segment column) to stdout as CSV or
 * Parquet. The list's name comes from the route parameter (`--segment`); contact columns are
 * left out when settings.segments.contactsInSite is false (the CLI export still has them).
 */
export async function serveSegmentDownload(format: ExportFormat, all = false): Promise<void> {
  const {values} = parseArgs({options: {segment: {type: "string"}}, strict: false});
  const segment = all ? undefined : String(values.segment ?? "");
  const name = `segment ${segment ?? "all"}.${format}`;
  const log = stderrLog(name);
  if (!all && !segment) throw new Error(`${name}: no --segment parameter`);
  const db = await openDatabase(warehousePath(), true);
  try {
    const drop = await latestDrop(db.connection);
    if (!drop) throw new Error(`${name}: the warehouse ${warehousePath()} holds no drop; run tagbook build first`);
    const settings = loadSettings();
    await segmentsAsOf(db.connection, drop.asOf, settings, segment ? [segment] : undefined);
    const sql = segmentRowsSql(segment, settings.segments.contactsInSite);
    const rows = await writeQueryTo(db.connection, sql, format, process.stdout, name, false);
    log(`${rows} rows as of ${drop.asOf}`);
  } finally {
    closeDatabase(db);
  }
}
