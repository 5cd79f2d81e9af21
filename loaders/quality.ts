import {queryRows} from "../lib/duckdb.js";
import type {LoaderContext} from "./serve.js";

/** Rows read, loaded and rejected per file, rejects by reason, and a few examples of each. */
export async function quality({connection, asOf, dropId}: LoaderContext) {
  const files = await queryRows(
    connection,
    `SELECT file, table_name, rows_read, rows_loaded, rows_rejected FROM file_stats
     WHERE drop_id = $drop ORDER BY file`,
    "quality",
    {drop: dropId},
  );
  const reasons = await queryRows(
    connection,
    `SELECT file, "column", reason, count(*) AS rows,
       list({'line': line, 'value': value} ORDER BY line)[1:3] AS examples
     FROM rejects WHERE drop_id = $drop GROUP BY file, "column", reason ORDER BY rows DESC, file, "column", reason`,
    "quality",
    {drop: dropId},
  );
  const zones = await queryRows(
    connection,
    `SELECT zone_reason LIKE 'unknown%' AS unknown, count(*) AS customers FROM customer_basics
     WHERE as_of = CAST($asOf AS DATE) GROUP BY ALL`,
    "quality",
    {asOf},
  );
  return {asOf, files, reasons, zones};
}
