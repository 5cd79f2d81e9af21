import {existsSync, readdirSync, statSync} from "node:fs";
import {basename, extname, join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import countriesAndTimezones from "countries-and-timezones";
import {queryNumber, queryRows, run, sqlString} from "../duckdb.js";
import type {Adapter, StagedFile} from "./types.js";

/** The columns of the UCI layout read here (Revenue and Month, when present, are ignored). */
const COLUMNS = {
  invoice: "InvoiceNo",
  stock_code: "StockCode",
  description: "Description",
  quantity: "Quantity",
  invoice_date: "InvoiceDate",
  unit_price: "UnitPrice",
  customer: "CustomerID",
  country: "Country",
} as const;

/** The retailer wrote invoice times on a UK clock, with no zone. */
const SHOP_ZONE = "Europe/London";

/**
 * A stock code is a product when it is five digits, optionally followed by up to three letters
 * (85123A, 15056BL, 84997c). Everything else the retailer used is a charge or an adjustment, not
 * something a customer bought: POST, DOT (postage), C2 (carriage), M (manual), D (discount),
 * S (samples), B (bad debt), BANK CHARGES, AMAZONFEE, CRUK (charity), PADS, gift_0001_*.
 * Those lines still count in the invoice amount but do not become order_items.
 * Limitation: the few party-bag codes written DCGS… are products but fail this pattern, so they
 * count in the amount but are missing from baskets.
 */
const PRODUCT_CODE = "^[0-9]{5}[A-Za-z]{0,3}$";

/**
 * Country names the retailer wrote that are not the ISO short names of countries-and-timezones.
 * null means the name is not one country: the customer gets no country rather than a guess.
 */
const COUNTRY_OVERRIDES: Record<string, string | null> = {
  "EIRE": "IE",
  "RSA": "ZA",
  "USA": "US",
  "Czech Republic": "CZ",
  "Korea": "KR",
  "Channel Islands": null,
  "European Community": null,
  "Unspecified": null,
};

/** Lower-cased country name → ISO 3166-1 alpha-2 code (or null: known not to be one country). */
function countryCodes(): Map<string, string | null> {
  const codes = new Map<string, string | null>();
  for (const country of Object.values(countriesAndTimezones.getAllCountries())) {
    codes.set(country.name.toLowerCase(), country.id);
  }
  for (const [name, code] of Object.entries(COUNTRY_OVERRIDES)) codes.set(name.toLowerCase(), code);
  return codes;
}

/** The CSV files of an input: the file itself, or every .csv in a folder (sorted by name). */
function csvFiles(input: string): {path: string; file: string}[] {
  if (!existsSync(input)) throw new Error(`online-retail: input not found: ${input}`);
  if (!statSync(input).isDirectory()) return [{path: input, file: basename(input)}];
  const files = readdirSync(input)
    .filter((name) => extname(name).toLowerCase() === ".csv")
    .sort()
    .map((name) => ({path: join(input, name), file: name}));
  if (files.length === 0) throw new Error(`online-retail: ${input} holds no .csv files`);
  return files;
}

async function stageLines(
  connection: DuckDBConnection,
  path: string,
  file: string,
): Promise<number> {
  // Every field is text (all_varchar): CustomerID must stay "17850.0" or "NA" to be judged here,
  // and InvoiceNo "C536379" must not make the sniffer guess a type per file.
  const source =
    `read_csv(${sqlString(path)}, header = true, all_varchar = true, strict_mode = false)`;
  const described = await queryRows<{column_name: string}>(
    connection,
    `DESCRIBE SELECT * FROM ${source}`,
    `online-retail: ${file}`,
  );
  const present = new Map(
    described.map((d) => [
      d.column_name.replace(/^\uFEFF/, "").trim().toLowerCase(),
      d.column_name,
    ]),
  );
  const missing = Object.values(COLUMNS).filter((c) => !present.has(c.toLowerCase()));
  if (missing.length > 0) {
    throw new Error(
      `online-retail: ${file} has no column ${missing.map((c) => `"${c}"`).join(", ")}; ` +
        `found: ${[...present.values()].join(", ")}`,
    );
  }
  const select = Object.entries(COLUMNS).map(([alias, column]) => {
    const name = present.get(column.toLowerCase())!.replaceAll('"', '""');
    return `"${name}" AS ${alias}`;
  });
  // Line 1 is the header; no field of this layout spans lines, so row n is on line n + 1.
  await run(
    connection,
    `INSERT INTO ort_lines
     SELECT ${sqlString(file)} AS _file, row_number() OVER () + 1 AS _line, ${select.join(", ")}
     FROM ${source}`,
    `online-retail: ${file}`,
  );
  const sql = "SELECT count(*) FROM ort_lines WHERE _file = $f";
  return queryNumber(connection, sql, `online-retail: ${file}`, {f: file});
}

/**
 * The UCI Online Retail layout: one CSV row per invoice line (InvoiceNo, StockCode, Description,
 * Quantity, InvoiceDate, UnitPrice, CustomerID, Country), as one file or a folder of them.
 *
 * - Orders are invoices, in GBP, with the amount summed exactly (DECIMAL) over every line,
 *   including postage and other non-product lines.
 * - "C…" invoices and lines with a negative quantity are refunds: status "refunded" and a positive
 *   amount, so they never count as sales. When one invoice mixes sold and returned lines, the
 *   returned lines become a separate refunded order "<invoice>-R".
 * - Invoice times are UK wall-clock time; they are converted to UTC instants here.
 * - Rows with no CustomerID (empty or "NA") are rejected with reason "no customer id".
 * - Each customer's country is the ISO code of the country on their latest row, or NULL when the
 *   retailer's name is not one country ("Channel Islands", "European Community", "Unspecified").
 */
export const onlineRetailAdapter: Adapter = {
  name: "online-retail",
  description: "UCI Online Retail CSV export (InvoiceNo, StockCode, …, CustomerID, Country)",
  async stage(connection, input) {
    const columns = Object.keys(COLUMNS).map((c) => `${c} VARCHAR`);
    await run(
      connection,
      `CREATE OR REPLACE TEMP TABLE ort_lines (_file VARCHAR, _line BIGINT, ${columns.join(", ")})`,
      "online-retail",
    );
    const files: StagedFile[] = [];
    for (const {path, file} of csvFiles(input)) {
      files.push({file, table: "orders", rows: await stageLines(connection, path, file)});
    }

    await typeLines(connection);
    await rejectLines(connection);
    await stageOrders(connection);
    await stageCustomers(connection);

    const newest = await queryRows<{d: string | null}>(
      connection,
      `SELECT strftime(max(local_time), '%Y-%m-%d') AS d FROM ort_typed WHERE _reason IS NULL`,
      "online-retail: as-of date",
    );
    return {files, asOfHint: newest[0]?.d ?? undefined};
  },
};

async function typeLines(connection: DuckDBConnection): Promise<void> {
  const customer = "regexp_replace(trim(customer), '\\.0+$', '')";
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE ort_typed AS
     WITH t AS (
       SELECT *,
         nullif(upper(trim(invoice)), '') AS invoice_no,
         CASE WHEN nullif(trim(customer), '') IS NULL OR upper(trim(customer)) = 'NA' THEN NULL
              ELSE ${customer} END AS customer_id,
         try_cast(trim(quantity) AS BIGINT) AS qty,
         try_cast(trim(unit_price) AS DECIMAL(18,4)) AS price,
         try_strptime(trim(invoice_date), ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M']) AS local_time
       FROM ort_lines
     )
     SELECT *,
       CASE
         WHEN customer_id IS NULL
           THEN {'column': 'CustomerID', 'value': customer, 'reason': 'no customer id'}
         WHEN invoice_no IS NULL
           THEN {'column': 'InvoiceNo', 'value': invoice, 'reason': 'no invoice number'}
         WHEN nullif(trim(stock_code), '') IS NULL
           THEN {'column': 'StockCode', 'value': stock_code, 'reason': 'no stock code'}
         WHEN qty IS NULL
           THEN {'column': 'Quantity', 'value': quantity,
                 'reason': 'Quantity is not a whole number'}
         WHEN price IS NULL
           THEN {'column': 'UnitPrice', 'value': unit_price, 'reason': 'UnitPrice is not a number'}
         WHEN local_time IS NULL
           THEN {'column': 'InvoiceDate', 'value': invoice_date,
                 'reason': 'InvoiceDate is not YYYY-MM-DD HH:MM[:SS]'}
       END AS _reason,
       starts_with(upper(trim(invoice)), 'C') OR qty < 0 AS is_refund,
       regexp_matches(trim(stock_code), '${PRODUCT_CODE}') AS is_product,
       timezone('UTC', timezone('${SHOP_ZONE}', local_time)) AS utc_time
     FROM t`,
    "online-retail: typing",
  );
}

async function rejectLines(connection: DuckDBConnection): Promise<void> {
  const fields = Object.entries(COLUMNS).map(([alias, column]) => `'${column}': ${alias}`);
  await run(
    connection,
    `INSERT INTO raw_rejects
     SELECT _file, _line, _reason.column, _reason.value, _reason.reason,
            to_json({${fields.join(", ")}})::VARCHAR
     FROM ort_typed WHERE _reason IS NOT NULL ORDER BY _file, _line`,
    "online-retail: rejects",
  );
}

async function stageOrders(connection: DuckDBConnection): Promise<void> {
  // A refund part gets its own id only when the same invoice also has sold lines.
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE ort_good AS
     SELECT *,
       CASE WHEN is_refund AND bool_or(NOT is_refund) OVER (PARTITION BY invoice_no)
            THEN invoice_no || '-R' ELSE invoice_no END AS order_id
     FROM ort_typed WHERE _reason IS NULL`,
    "online-retail: orders",
  );
  await run(
    connection,
    `INSERT INTO raw_orders BY NAME
     SELECT order_id,
       arg_min(customer_id, (_file, _line)) AS customer_id,
       strftime(min(utc_time), '%Y-%m-%dT%H:%M:%SZ') AS ordered_at,
       CAST(abs(sum(qty * price)) AS VARCHAR) AS amount,
       'GBP' AS currency,
       CASE WHEN bool_and(is_refund) THEN 'refunded' ELSE 'paid' END AS status,
       min(_file) AS _file,
       arg_min(_line, (_file, _line)) AS _line
     FROM ort_good GROUP BY order_id ORDER BY _file, _line`,
    "online-retail: orders",
  );
  // Refunded lines keep a positive quantity: the order's status says they went back.
  await run(
    connection,
    `INSERT INTO raw_order_items BY NAME
     SELECT order_id, trim(stock_code) AS sku,
       nullif(trim(regexp_replace(description, '\\s+', ' ', 'g')), '') AS product,
       CAST(abs(qty) AS VARCHAR) AS quantity, CAST(price AS VARCHAR) AS unit_price, _file, _line
     FROM ort_good WHERE is_product ORDER BY _file, _line`,
    "online-retail: order items",
  );
}

async function stageCustomers(connection: DuckDBConnection): Promise<void> {
  const values = [...countryCodes()].map(
    ([name, code]) => `(${sqlString(name)}, ${code ? sqlString(code) : "NULL"})`,
  );
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE ort_countries (name VARCHAR, code VARCHAR);
     INSERT INTO ort_countries VALUES ${values.join(", ")}`,
    "online-retail: countries",
  );
  await run(
    connection,
    `INSERT INTO raw_customers BY NAME
     WITH latest AS (
       SELECT customer_id,
         arg_max({'country': trim(country), 'file': _file, 'line': _line},
                 (utc_time, _file, _line)) AS row
       FROM ort_good GROUP BY customer_id
     )
     SELECT customer_id, c.code AS country, row.file AS _file, row.line AS _line
     FROM latest LEFT JOIN ort_countries c ON c.name = lower(row.country)
     ORDER BY _file, _line`,
    "online-retail: customers",
  );
}
