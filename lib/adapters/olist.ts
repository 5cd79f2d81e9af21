import {existsSync, statSync} from "node:fs";
import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {queryNumber, queryRows, run, sqlString} from "../duckdb.js";
import type {Adapter, StagedFile} from "./types.js";

/** Olist wrote every timestamp on a Brazilian clock with no zone (DST until 2019). */
const SHOP_ZONE = "America/Sao_Paulo";

/** The files of an Olist folder: staging table, drop table they feed, and columns used. */
const FILES = {
  orders: {
    file: "olist_orders_dataset.csv",
    table: "orders",
    columns: ["order_id", "customer_id", "order_status", "order_purchase_timestamp"],
  },
  items: {
    file: "olist_order_items_dataset.csv",
    table: "order_items",
    columns: ["order_id", "order_item_id", "product_id", "price", "freight_value"],
  },
  payments: {
    file: "olist_order_payments_dataset.csv",
    table: "orders",
    columns: ["order_id", "payment_value"],
  },
  customers: {
    file: "olist_customers_dataset.csv",
    table: "customers",
    columns: ["customer_id", "customer_unique_id", "customer_zip_code_prefix", "customer_state"],
  },
  products: {
    file: "olist_products_dataset.csv",
    table: "order_items",
    columns: ["product_id", "product_category_name"],
  },
  translation: {
    file: "product_category_name_translation.csv",
    table: "order_items",
    columns: ["product_category_name", "product_category_name_english"],
  },
} as const;

type OlistFile = keyof typeof FILES;

async function stageFile(connection: DuckDBConnection, input: string, key: OlistFile) {
  const {file, columns} = FILES[key];
  const path = join(input, file);
  if (!existsSync(path)) throw new Error(`olist: ${input} has no ${file}`);

  // all_varchar keeps zip prefixes such as "01007" and ids as written; DuckDB drops the BOM.
  const source =
    `read_csv(${sqlString(path)}, header = true, all_varchar = true, strict_mode = false)`;
  const described = await queryRows<{column_name: string}>(
    connection,
    `DESCRIBE SELECT * FROM ${source}`,
    `olist: ${file}`,
  );
  const present = new Map(
    described.map((d) => [
      d.column_name.replace(/^\uFEFF/, "").trim().toLowerCase(),
      d.column_name,
    ]),
  );
  const missing = columns.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new Error(
      `olist: ${file} has no column ${missing.map((c) => `"${c}"`).join(", ")}; ` +
        `found: ${[...present.keys()].join(", ")}`,
    );
  }
  const select = columns.map(
    (c) => `nullif(trim("${present.get(c)!.replaceAll('"', '""')}"), '') AS ${c}`,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE olist_${key} AS
     SELECT ${sqlString(file)} AS _file, row_number() OVER () + 1 AS _line, ${select.join(", ")}
     FROM ${source}`,
    `olist: ${file}`,
  );
  return queryNumber(connection, `SELECT count(*) FROM olist_${key}`, `olist: ${file}`);
}

/**
 * The Olist Brazilian e-commerce export: a folder of olist_*_dataset.csv files and the category
 * translation, joined into orders, order items and customers.
 *
 * - A customer is a person (customer_unique_id); Olist's customer_id is new for every order.
 * - amount is the sum of payment_value, what the customer actually paid, in BRL. It differs from
 *   items price + freight on a few orders (vouchers, instalment interest; 24 of the 4,000 sample
 *   orders) and on orders with no items at all (23 cancelled or unavailable ones). An order with no
 *   payment row falls back to price + freight.
 * - status: canceled and unavailable become "cancelled"; every other status is "paid".
 * - Purchase times are São Paulo wall-clock time, converted here to UTC with that zone's DST rules.
 * - Items: sku is product_id, one unit at `price`, category in English (Portuguese when there is no
 *   translation, NULL when empty).
 * - Customers: country BR, region = state, postcode = the 5-digit zip prefix, time zone from the
 *   state (BRAZIL_STATE_ZONES).
 */
export const olistAdapter: Adapter = {
  name: "olist",
  description: "Olist e-commerce folder (olist_orders_dataset.csv and the tables that join to it)",
  async stage(connection, input) {
    if (!existsSync(input) || !statSync(input).isDirectory()) {
      throw new Error(`olist: ${input} is not a folder`);
    }
    const files: StagedFile[] = [];
    for (const key of Object.keys(FILES) as OlistFile[]) {
      const rows = await stageFile(connection, input, key);
      files.push({file: FILES[key].file, table: FILES[key].table, rows});
    }

    await stageOrders(connection);
    await stageItems(connection);
    await stageCustomers(connection);

    const newest = await queryRows<{d: string | null}>(
      connection,
      "SELECT strftime(max(local_time), '%Y-%m-%d') AS d FROM olist_typed_orders",
      "olist: as-of date",
    );
    return {files, asOfHint: newest[0]?.d ?? undefined};
  },
};

async function stageOrders(connection: DuckDBConnection): Promise<void> {
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE olist_typed_orders AS
     WITH paid AS (
       SELECT order_id, sum(try_cast(payment_value AS DECIMAL(18,2))) AS paid,
              count(*) FILTER (WHERE try_cast(payment_value AS DECIMAL(18,2)) IS NULL) AS bad
       FROM olist_payments GROUP BY order_id
     ), priced AS (
       SELECT order_id,
         sum(try_cast(price AS DECIMAL(18,2)) + try_cast(freight_value AS DECIMAL(18,2))) AS priced
       FROM olist_items GROUP BY order_id
     )
     SELECT o.*, c.customer_unique_id,
       try_strptime(o.order_purchase_timestamp, '%Y-%m-%d %H:%M:%S') AS local_time,
       CASE WHEN p.bad > 0 THEN NULL ELSE coalesce(p.paid, i.priced) END AS amount,
       p.bad
     FROM olist_orders o
     LEFT JOIN (SELECT DISTINCT ON (customer_id) * FROM olist_customers
                ORDER BY customer_id, _line) c USING (customer_id)
     LEFT JOIN paid p USING (order_id)
     LEFT JOIN priced i USING (order_id)`,
    "olist: orders",
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE olist_checked AS
     SELECT *, CASE
       WHEN order_id IS NULL
         THEN {'column': 'order_id', 'value': order_id, 'reason': 'missing order_id'}
       WHEN customer_unique_id IS NULL
         THEN {'column': 'customer_id', 'value': customer_id,
               'reason': 'customer_id not found in olist_customers_dataset.csv'}
       WHEN local_time IS NULL
         THEN {'column': 'order_purchase_timestamp', 'value': order_purchase_timestamp,
               'reason': 'order_purchase_timestamp is not YYYY-MM-DD HH:MM:SS'}
       WHEN bad > 0
         THEN {'column': 'payment_value', 'value': order_id,
               'reason': 'a payment_value of this order in '
                         || 'olist_order_payments_dataset.csv is not a number'}
       WHEN amount IS NULL
         THEN {'column': 'amount', 'value': order_id,
               'reason': 'order has no payment and no item rows, so it has no amount'}
     END AS _reason
     FROM olist_typed_orders`,
    "olist: orders",
  );
  await run(
    connection,
    `INSERT INTO raw_rejects
     SELECT _file, _line, _reason.column, _reason.value, _reason.reason,
            to_json({'order_id': order_id, 'customer_id': customer_id, 'order_status': order_status,
              'order_purchase_timestamp': order_purchase_timestamp})::VARCHAR
     FROM olist_checked WHERE _reason IS NOT NULL ORDER BY _line`,
    "olist: orders",
  );
  await run(
    connection,
    `INSERT INTO raw_orders BY NAME
     SELECT order_id, customer_unique_id AS customer_id,
       strftime(timezone('UTC', timezone('${SHOP_ZONE}', local_time)), '%Y-%m-%dT%H:%M:%SZ')
         AS ordered_at,
       CAST(amount AS VARCHAR) AS amount, 'BRL' AS currency,
       CASE WHEN lower(order_status) IN ('canceled', 'cancelled', 'unavailable') THEN 'cancelled'
            ELSE 'paid' END AS status,
       _file, _line
     FROM olist_checked WHERE _reason IS NULL ORDER BY _line`,
    "olist: orders",
  );
}

async function stageItems(connection: DuckDBConnection): Promise<void> {
  await run(
    connection,
    `INSERT INTO raw_rejects
     SELECT i._file, i._line, 'order_id', i.order_id,
       'order_id not found in olist_orders_dataset.csv', to_json(i)::VARCHAR
     FROM olist_items i ANTI JOIN olist_orders o USING (order_id) ORDER BY i._line`,
    "olist: order items",
  );
  await run(
    connection,
    `INSERT INTO raw_order_items BY NAME
     SELECT i.order_id, i.product_id AS sku,
       coalesce(t.product_category_name_english, p.product_category_name) AS category,
       '1' AS quantity, i.price AS unit_price, i._file, i._line
     FROM olist_items i
     SEMI JOIN olist_orders o USING (order_id)
     LEFT JOIN (SELECT DISTINCT ON (product_id) * FROM olist_products ORDER BY product_id, _line) p
       USING (product_id)
     LEFT JOIN (SELECT DISTINCT ON (product_category_name) * FROM olist_translation
                ORDER BY product_category_name, _line) t
       USING (product_category_name)
     ORDER BY i.order_id, try_cast(i.order_item_id AS INTEGER), i._line`,
    "olist: order items",
  );
}

/**
 * Each Brazilian state's IANA zone. Brazil spans four offsets and, until 2019, daylight saving in
 * the south only, so the country alone cannot place a customer; the state can (the zones carry
 * each area's history of rules). Amazonas is given Manaus: its few far-western towns (Eirunepé)
 * are an hour behind, which the state does not tell apart.
 */
export const BRAZIL_STATE_ZONES: Record<string, string> = {
  AC: "America/Rio_Branco", AL: "America/Maceio", AM: "America/Manaus", AP: "America/Belem",
  BA: "America/Bahia", CE: "America/Fortaleza", DF: "America/Sao_Paulo", ES: "America/Sao_Paulo",
  GO: "America/Sao_Paulo", MA: "America/Fortaleza", MG: "America/Sao_Paulo", MS: "America/Campo_Grande",
  MT: "America/Cuiaba", PA: "America/Belem", PB: "America/Fortaleza", PE: "America/Recife",
  PI: "America/Fortaleza", PR: "America/Sao_Paulo", RJ: "America/Sao_Paulo", RN: "America/Fortaleza",
  RO: "America/Porto_Velho", RR: "America/Boa_Vista", RS: "America/Sao_Paulo", SC: "America/Sao_Paulo",
  SE: "America/Maceio", SP: "America/Sao_Paulo", TO: "America/Araguaina",
};

async function stageCustomers(connection: DuckDBConnection): Promise<void> {
  // One row per person, from the customer row of their latest order.
  await run(
    connection,
    `INSERT INTO raw_customers BY NAME
     SELECT c.customer_unique_id AS customer_id, 'BR' AS country, c.customer_state AS region,
       c.customer_zip_code_prefix AS postcode,
       CASE upper(trim(c.customer_state)) ${Object.entries(BRAZIL_STATE_ZONES).map(([st, z]) => `WHEN '${st}' THEN '${z}'`).join(" ")} END AS time_zone,
       c._file, c._line
     FROM olist_customers c LEFT JOIN olist_typed_orders o USING (customer_id)
     WHERE c.customer_unique_id IS NOT NULL
     QUALIFY row_number() OVER (
       PARTITION BY c.customer_unique_id ORDER BY o.local_time DESC NULLS LAST, c._line DESC) = 1
     ORDER BY c._line`,
    "olist: customers",
  );
}
