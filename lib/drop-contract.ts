/**
 * The drop contract: the tables a drop folder may hold and their columns. Column names are the
 * contract; extra columns are allowed and ignored. Every adapter turns its raw export into these
 * tables, and one validator (lib/ingest.ts) types and checks them all.
 */
export const DROP_TABLES = {
  customers: {
    required: ["customer_id"],
    optional: [
      "phone",
      "name",
      "country",
      "time_zone",
      "language",
      "source",
      "first_seen_at",
      "opted_in",
      "region",
      "postcode",
    ],
  },
  orders: {
    required: ["order_id", "customer_id", "ordered_at", "amount", "currency"],
    optional: ["status"],
  },
  order_items: {
    required: ["order_id", "sku"],
    optional: ["product", "category", "quantity", "unit_price"],
  },
  messages: {
    required: ["message_id", "customer_id", "direction", "sent_at"],
    optional: ["delivered_at", "read_at", "failed_at", "text", "campaign_id", "category", "error_code"],
  },
  web_events: {
    required: ["customer_id", "at", "kind"],
    optional: ["sku", "price", "duration_s"],
  },
} as const;

export type DropTable = keyof typeof DROP_TABLES;

export const DROP_TABLE_NAMES = Object.keys(DROP_TABLES) as DropTable[];

/** All columns of a table, required first, in contract order. */
export function contractColumns(table: DropTable): string[] {
  return [...DROP_TABLES[table].required, ...DROP_TABLES[table].optional];
}
