import {maskedCustomerIdSql, maskedNumbersInTextSql} from "../lib/privacy.js";
import {queryNumber, queryRows} from "../lib/duckdb.js";
import type {LoaderContext} from "./serve.js";

/**
 * Customers shown in the page's searchable table, with every tag and reason. About 1.7 KB each,
 * so 500 keep the page under 1 MB; `tagbook tags` writes them all. Customers with a trigger
 * (downgrade, priority follow-up) or a red colour come first: they are the ones to act on.
 */
export const CUSTOMER_TABLE_LIMIT = 500;

/**
 * Tag sizes per family with the change since the previous drop, and a table of customers with
 * their tags and reasons. Phone numbers and names never leave the warehouse here: the page gets
 * only the last three digits, so the hosted site shows no full contact details.
 */
export async function customers({connection, asOf, previousAsOf}: LoaderContext) {
  const params = {asOf, previous: previousAsOf ?? asOf};
  const sizes = await queryRows(
    connection,
    `WITH now AS (SELECT family, tag, count(*) AS customers FROM tag_snapshots
                  WHERE as_of = CAST($asOf AS DATE) GROUP BY ALL),
     before AS (SELECT family, tag, count(*) AS customers FROM tag_snapshots
                WHERE as_of = CAST($previous AS DATE) AND CAST($previous AS DATE) < CAST($asOf AS DATE) GROUP BY ALL),
     moves AS (SELECT family, tag, count(*) FILTER (WHERE change = 'entered') AS entered,
                      count(*) FILTER (WHERE change = 'left') AS left_tag
               FROM tag_changes WHERE as_of = CAST($asOf AS DATE) GROUP BY ALL)
     SELECT family, tag, coalesce(now.customers, 0) AS customers, before.customers AS previous,
            coalesce(entered, 0) AS entered, coalesce(left_tag, 0) AS "left"
     FROM now FULL JOIN before USING (family, tag) LEFT JOIN moves USING (family, tag)
     ORDER BY family, customers DESC, tag`,
    "customers",
    params,
  );
  const total = await queryNumber(
    connection,
    "SELECT count(DISTINCT customer_id) FROM tag_snapshots WHERE as_of = CAST($asOf AS DATE)",
    "customers",
    {asOf},
  );
  const table = await queryRows(
    connection,
    `WITH shown AS (
       SELECT customer_id,
         bool_or(family = 'trigger' AND tag <> 'dormant') OR bool_or(family = 'colour' AND tag = 'red') AS act
       FROM tag_snapshots WHERE as_of = CAST($asOf AS DATE)
       GROUP BY customer_id ORDER BY act DESC, customer_id LIMIT ${CUSTOMER_TABLE_LIMIT})
     SELECT ${maskedCustomerIdSql("s.customer_id")} AS customer_id,
       right(c.wa_id, 3) AS phone_end,
       list({'family': t.family, 'tag': t.tag, 'reason': ${maskedNumbersInTextSql("t.reason")}, 'since': strftime(t.since, '%Y-%m-%d')}
            ORDER BY t.family, t.tag) AS tags
     FROM shown s JOIN tag_snapshots t ON t.customer_id = s.customer_id AND t.as_of = CAST($asOf AS DATE)
     LEFT JOIN customers c ON c.customer_id = s.customer_id
     GROUP BY s.customer_id, s.act, c.wa_id ORDER BY s.act DESC, s.customer_id`,
    "customers",
    {asOf},
  );
  const changes = await queryRows(
    connection,
    `SELECT family, tag, change, count(*) AS customers,
       list(${maskedCustomerIdSql("customer_id")} ORDER BY customer_id)[1:5] AS examples
     FROM tag_changes WHERE as_of = CAST($asOf AS DATE) AND family IN ('lifecycle', 'spend tier', 'colour', 'interaction')
     GROUP BY ALL ORDER BY customers DESC LIMIT 40`,
    "customers",
    {asOf},
  );
  return {asOf, previousAsOf, total, limit: CUSTOMER_TABLE_LIMIT, sizes, table, changes};
}
