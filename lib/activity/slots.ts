import type {DuckDBConnection} from "@duckdb/node-api";
import {run, sqlString} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import {createActivityEvents} from "./events.js";

/**
 * Tag producer for the "slot" family: inserts into new_tags each customer whose reads match a slot
 * rule (settings.activity.slotRules), such as "Wednesday evening active".
 *
 * A rule with weekdays W, hours [from, to) and `inARow` n matches when, among the customer's reads
 * on W days in the last `slotLookbackDays` local days (in read order), n consecutive ones fall
 * inside the hours. Reads on other weekdays do not break the run: "5 Wednesday reads in a row after
 * 20:00" is a Wednesday habit, whatever happens on Thursdays. Read times are in the customer's own
 * zone; customers with an unknown zone get no slot tag, since their local hour is not known.
 */
export async function slotTags(connection: DuckDBConnection, asOf: string, settings: Settings): Promise<void> {
  const a = settings.activity;
  if (a.slotRules.length === 0) return;
  await createActivityEvents(connection, asOf, settings);
  const rules = a.slotRules.map(
    (r) => `(${sqlString(r.tag)}, [${r.weekdays.join(", ")}], ${r.fromHour}, ${r.toHour}, ${r.inARow})`,
  );
  await run(
    connection,
    `INSERT INTO new_tags
     WITH rules(tag, weekdays, from_hour, to_hour, in_a_row) AS (VALUES ${rules.join(", ")}),
     reads AS (
       SELECT customer_id, message_id, read_at, read_local FROM act_messages
       WHERE direction = 'out' AND read_local IS NOT NULL
         AND CAST(read_local AS DATE) BETWEEN CAST($asOf AS DATE) - ${a.slotLookbackDays - 1} AND CAST($asOf AS DATE)),
     on_days AS (
       SELECT r.*, u.*, hour(r.read_local) >= u.from_hour AND hour(r.read_local) < u.to_hour AS inside,
         row_number() OVER (PARTITION BY r.customer_id, u.tag ORDER BY r.read_at, r.message_id) AS seq
       FROM reads r JOIN rules u ON list_contains(u.weekdays, isodow(r.read_local))),
     runs AS (
       SELECT customer_id, tag, any_value(in_a_row) AS in_a_row, count(*) AS n,
         min(read_local) AS first_read, max(read_local) AS last_read,
         any_value(from_hour) AS from_hour, any_value(to_hour) AS to_hour
       FROM (SELECT *, seq - row_number() OVER (PARTITION BY customer_id, tag ORDER BY seq) AS island
             FROM on_days WHERE inside)
       GROUP BY customer_id, tag, island)
     SELECT customer_id, 'slot', tag,
       format('{} reads in a row in the slot ({:02d}:00–{:02d}:00 local), {} to {} (rule: {} in a row, last {} days)',
              n, from_hour, to_hour, strftime(first_read, '%Y-%m-%d %H:%M'), strftime(last_read, '%Y-%m-%d %H:%M'),
              in_a_row, ${a.slotLookbackDays})
     FROM runs WHERE n >= in_a_row
     QUALIFY row_number() OVER (PARTITION BY customer_id, tag ORDER BY n DESC, last_read DESC) = 1`,
    `slot tags as of ${asOf}`,
    {asOf},
  );
}
