import {existsSync, readFileSync, readdirSync, statSync} from "node:fs";
import {basename, extname, join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {describeValue} from "../describe-value.js";
import {run} from "../duckdb.js";
import type {Adapter, StagedFile} from "./types.js";

/** A wa_id or phone number as WhatsApp writes it: digits only, country code first, no "+". */
const WA_ID = /^\d{6,15}$/;

/** Unix epoch seconds, as every Cloud API timestamp is written (a string). */
const EPOCH_SECONDS = /^\d{9,11}$/;

const EDIT_REASON = "edit or deletion of an earlier message, not a new message";

/** One thing read from a webhook body, before statuses are merged per message in SQL. */
interface WebhookEvent {
  kind: "in" | "status" | "echo" | "contact" | "item" | "reject";
  file: string;
  line: number;
  caseKey: string | null;
  wamid?: string;
  party?: string;
  ts?: string;
  status?: string;
  text?: string;
  errorCode?: string;
  name?: string;
  sku?: string;
  quantity?: string;
  price?: string;
  currency?: string;
  rejectColumn?: string;
  rejectValue?: string;
  reason?: string;
  json?: string;
}

const EVENT_COLUMNS = [
  "kind", "file", "line", "case_key", "wamid", "party", "ts", "status", "text", "error_code",
  "name", "sku", "quantity", "price", "currency", "reject_column", "reject_value", "reason", "json",
] as const;

/** One webhook body and where it was found: its line in JSON Lines, else its case's position. */
interface Body {
  file: string;
  line: number;
  caseKey: string | null;
  body: unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function isWebhookBody(value: unknown): boolean {
  if (!isObject(value)) return false;
  return Array.isArray(value.entry) || value.object === "whatsapp_business_account";
}

/** The .json / .jsonl files of an input: the file itself or every such file in a folder. */
function inputFiles(input: string): {path: string; file: string}[] {
  if (!existsSync(input)) throw new Error(`whatsapp-webhooks: input not found: ${input}`);
  if (!statSync(input).isDirectory()) return [{path: input, file: basename(input)}];
  const files = readdirSync(input)
    .filter((name) => [".json", ".jsonl", ".ndjson"].includes(extname(name).toLowerCase()))
    .sort()
    .map((name) => ({path: join(input, name), file: name}));
  if (files.length === 0) {
    throw new Error(`whatsapp-webhooks: ${input} holds no .json or .jsonl files`);
  }
  return files;
}

/**
 * The webhook bodies of one file: a single body, an object or array of bodies (numbered by
 * position, with the key kept as the case name), or JSON Lines with one body per line.
 */
function readBodies(path: string, file: string, rejects: WebhookEvent[]): Body[] {
  const text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    if (isWebhookBody(whole)) return [{file, line: 1, caseKey: null, body: whole}];
    if (Array.isArray(whole)) {
      return whole.map((body, i) => ({file, line: i + 1, caseKey: String(i), body}));
    }
    if (isObject(whole)) {
      return Object.entries(whole).map(([key, body], i) => ({
        file, line: i + 1, caseKey: key, body,
      }));
    }
  }

  const bodies: Body[] = [];
  text.split(/\r\n|\n|\r/).forEach((lineText, i) => {
    if (lineText.trim() === "") return;
    try {
      bodies.push({file, line: i + 1, caseKey: null, body: JSON.parse(lineText)});
    } catch (error) {
      rejects.push({
        kind: "reject", file, line: i + 1, caseKey: null, rejectColumn: "body",
        rejectValue: lineText.slice(0, 200),
        reason: `not a JSON webhook body: ${(error as Error).message}`,
      });
    }
  });
  return bodies;
}

/** What a message says, as text: the body for text, titles for replies, "[type]" otherwise. */
function messageText(message: Json): string {
  const type = str(message.type) ?? "unknown";
  const part = isObject(message[type]) ? (message[type] as Json) : {};
  switch (type) {
    case "text":
      return str(part.body) ?? "";
    case "button":
      return str(part.text) ?? "[button]";
    case "interactive": {
      const reply = isObject(part.button_reply) ? part.button_reply : part.list_reply;
      return (isObject(reply) && str(reply.title)) || "[interactive]";
    }
    case "reaction":
      return str(part.emoji) ? `[reaction] ${str(part.emoji)}` : "[reaction removed]";
    case "location": {
      const place = [str(part.name), str(part.address)].filter(Boolean).join(", ");
      return place ? `[location] ${place}` : "[location]";
    }
    case "contacts": {
      const names = list(message.contacts).map(
        (c) => isObject(c.name) && str(c.name.formatted_name),
      );
      return `[contacts] ${names.filter(Boolean).join(", ")}`.trim();
    }
    case "order":
      return str(part.text) ? `[order] ${str(part.text)}` : "[order]";
    default: {
      const caption = str(part.caption) ?? str(part.filename);
      return caption ? `[${type}] ${caption}` : `[${type}]`;
    }
  }
}

/** Turns one body into events; anything that cannot become a row becomes a reject with a reason. */
function bodyEvents({file, line, caseKey, body}: Body): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  const at = {file, line, caseKey};
  const reject = (column: string, value: unknown, reason: string, item: unknown) =>
    events.push({
      ...at, kind: "reject", rejectColumn: column, rejectValue: str(value) ?? JSON.stringify(value),
      reason, json: JSON.stringify(caseKey === null ? item : {case: caseKey, ...(item as Json)}),
    });

  if (!isWebhookBody(body)) {
    reject("body", undefined, "not a WhatsApp webhook body (no entry list)", {body});
    return events;
  }
  for (const entry of list((body as Json).entry)) {
    for (const change of list(entry.changes)) {
      const field = str(change.field) ?? "";
      const value = isObject(change.value) ? change.value : {};
      if (field !== "messages" && field !== "smb_message_echoes") {
        reject("field", field, `webhook field ${describeValue(field)} carries no messages`, change);
        continue;
      }

      for (const contact of list(value.contacts)) {
        const waId = str(contact.wa_id);
        const name = isObject(contact.profile) ? str(contact.profile.name) : undefined;
        if (!waId || !WA_ID.test(waId)) {
          const reason = "contact wa_id is not a phone number (placeholder or missing)";
          reject("wa_id", waId, reason, contact);
        } else {
          events.push({...at, kind: "contact", party: waId, name});
        }
      }

      for (const message of list(value.messages)) {
        const type = str(message.type) ?? "";
        const from = str(message.from);
        const ts = str(message.timestamp);
        const wamid = str(message.id);
        if (type === "system") {
          reject("type", type, "system notice (number or identity change), not a message", message);
        } else if (type === "edit" || type === "revoke") {
          reject("type", type, EDIT_REASON, message);
        } else if (!from || !WA_ID.test(from)) {
          reject("from", from, "sender is not a phone number (placeholder or missing)", message);
        } else if (!wamid || wamid.startsWith("<")) {
          reject("id", wamid, "message id is a placeholder or missing", message);
        } else if (!ts || !EPOCH_SECONDS.test(ts)) {
          reject("timestamp", ts, "timestamp is not Unix seconds", message);
        } else {
          events.push({...at, kind: "in", wamid, party: from, ts, text: messageText(message)});
          if (type === "order" && isObject(message.order)) {
            for (const item of list(message.order.product_items)) {
              events.push({
                ...at, kind: "item", wamid, sku: str(item.product_retailer_id),
                quantity: str(item.quantity), price: str(item.item_price),
                currency: str(item.currency),
              });
            }
          }
        }
      }

      // Echoes are messages the business sent from the WhatsApp Business app.
      for (const echo of list(value.message_echoes)) {
        const to = str(echo.to);
        const ts = str(echo.timestamp);
        const wamid = str(echo.id);
        const type = str(echo.type) ?? "";
        if (type === "edit" || type === "revoke") {
          reject("type", type, EDIT_REASON, echo);
        } else if (!to || !WA_ID.test(to)) {
          reject("to", to, "recipient is not a phone number (placeholder or missing)", echo);
        } else if (!wamid || wamid.startsWith("<")) {
          reject("id", wamid, "message id is a placeholder or missing", echo);
        } else if (!ts || !EPOCH_SECONDS.test(ts)) {
          reject("timestamp", ts, "timestamp is not Unix seconds", echo);
        } else {
          events.push({...at, kind: "echo", wamid, party: to, ts, text: messageText(echo)});
        }
      }

      for (const status of list(value.statuses)) {
        const recipient = str(status.recipient_id);
        const ts = str(status.timestamp);
        const wamid = str(status.id);
        if (status.recipient_type === "group") {
          const reason = "status of a group message, not of a customer's";
          reject("recipient_id", recipient, reason, status);
        } else if (!recipient || !WA_ID.test(recipient)) {
          const reason = "recipient is not a phone number (placeholder or missing)";
          reject("recipient_id", recipient, reason, status);
        } else if (!wamid || wamid.startsWith("<")) {
          reject("id", wamid, "message id is a placeholder or missing", status);
        } else if (!ts || !EPOCH_SECONDS.test(ts)) {
          reject("timestamp", ts, "timestamp is not Unix seconds", status);
        } else {
          const error = list(status.errors)[0];
          events.push({
            ...at, kind: "status", wamid, party: recipient, ts, status: str(status.status),
            errorCode: error ? str(error.code) : undefined,
          });
        }
      }
    }
  }
  return events;
}

async function appendEvents(connection: DuckDBConnection, events: WebhookEvent[]): Promise<void> {
  const columns = EVENT_COLUMNS.map((c) => (c === "line" ? "line BIGINT" : `${c} VARCHAR`));
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE wh_events (${columns.join(", ")})`,
    "whatsapp-webhooks",
  );
  const appender = await connection.createAppender("wh_events", "main", "temp");
  for (const event of events) {
    const values: Record<(typeof EVENT_COLUMNS)[number], string | number | null | undefined> = {
      kind: event.kind, file: event.file, line: event.line, case_key: event.caseKey,
      wamid: event.wamid, party: event.party, ts: event.ts, status: event.status, text: event.text,
      error_code: event.errorCode, name: event.name, sku: event.sku, quantity: event.quantity,
      price: event.price, currency: event.currency, reject_column: event.rejectColumn,
      reject_value: event.rejectValue, reason: event.reason, json: event.json,
    };
    for (const column of EVENT_COLUMNS) {
      const value = values[column];
      if (value === null || value === undefined) appender.appendNull();
      else if (typeof value === "number") appender.appendBigInt(BigInt(value));
      else appender.appendVarchar(value);
    }
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * WhatsApp Cloud API webhook bodies, from a folder (or one file) of .json files: one body per file,
 * an object whose values are bodies (as in the pywa test fixtures), or JSON Lines.
 *
 * - Inbound messages become direction "in" (customer = sender wa_id); text is the body, a button or
 *   list title, or "[type]" with any caption for media and other types.
 * - Status callbacks (sent, delivered, read, played, failed) are merged per wamid onto one outbound
 *   message: sent_at is the "sent" time (else the earliest status), and delivered_at, read_at
 *   ("played" counts as read), failed_at and error_code are the earliest of each. Message echoes
 *   from the Business app are outbound messages too.
 * - Values are kept as received even when their order is impossible (a read before the sent, as in
 *   the pywa fixtures): the warehouse shows what WhatsApp reported, and reports can spot it.
 * - Catalog "order" messages also become a paid order (id = wamid, amount = Σ quantity × price).
 * - contacts[] give customers: customer_id = wa_id, phone "+wa_id", name from the profile.
 * - Group recipients, placeholders such as "<USER_PHONE_NUMBER>", system notices, edits and
 *   deletions are rejected with a reason and the case name.
 */
export const whatsappWebhooksAdapter: Adapter = {
  name: "whatsapp-webhooks",
  description: "WhatsApp Cloud API webhook bodies (.json files, objects of cases, or JSON Lines)",
  async stage(connection, input) {
    const events: WebhookEvent[] = [];
    const files: StagedFile[] = [];
    for (const {path, file} of inputFiles(input)) {
      const bodies = readBodies(path, file, events);
      const rejectedLines = events.filter((e) => e.file === file).length;
      for (const body of bodies) events.push(...bodyEvents(body));
      files.push({file, table: "messages", rows: bodies.length + rejectedLines});
    }
    await appendEvents(connection, events);

    await run(
      connection,
      `INSERT INTO raw_rejects
       SELECT file, line, reject_column, reject_value, reason, json
       FROM wh_events WHERE kind = 'reject' ORDER BY file, line`,
      "whatsapp-webhooks: rejects",
    );
    await stageMessages(connection);
    await stageOrders(connection);
    await run(
      connection,
      `INSERT INTO raw_customers BY NAME
       SELECT party AS customer_id, '+' || party AS phone,
         arg_max(name, (file, line)) FILTER (WHERE name IS NOT NULL) AS name,
         min(file) AS _file, arg_min(line, (file, line)) AS _line
       FROM wh_events WHERE kind = 'contact' GROUP BY party ORDER BY _file, _line`,
      "whatsapp-webhooks: customers",
    );
    return {files};
  },
};

async function stageMessages(connection: DuckDBConnection): Promise<void> {
  await run(
    connection,
    `INSERT INTO raw_messages BY NAME
     SELECT wamid AS message_id, party AS customer_id, 'in' AS direction, ts AS sent_at, text,
            file AS _file, line AS _line
     FROM wh_events WHERE kind = 'in' ORDER BY file, line`,
    "whatsapp-webhooks: inbound messages",
  );
  // Echoes count as the "sent" event of their message; the other statuses add their times.
  const earliest = (filter: string) =>
    `CAST(min(CAST(ts AS BIGINT)) FILTER (WHERE ${filter}) AS VARCHAR)`;
  await run(
    connection,
    `INSERT INTO raw_messages BY NAME
     SELECT wamid AS message_id,
       arg_min(party, (file, line)) AS customer_id,
       'out' AS direction,
       coalesce(${earliest("kind = 'echo' OR status = 'sent'")}, ${earliest("true")}) AS sent_at,
       ${earliest("status = 'delivered'")} AS delivered_at,
       ${earliest("status IN ('read', 'played')")} AS read_at,
       ${earliest("status = 'failed'")} AS failed_at,
       arg_min(error_code, CAST(ts AS BIGINT)) FILTER (WHERE error_code IS NOT NULL) AS error_code,
       arg_min(text, (file, line)) FILTER (WHERE kind = 'echo') AS text,
       min(file) AS _file, arg_min(line, (file, line)) AS _line
     FROM wh_events WHERE kind IN ('status', 'echo') GROUP BY wamid ORDER BY _file, _line`,
    "whatsapp-webhooks: outbound messages",
  );
}

async function stageOrders(connection: DuckDBConnection): Promise<void> {
  await run(
    connection,
    `CREATE OR REPLACE TEMP TABLE wh_orders AS
     SELECT m.wamid, m.party, m.ts, m.file, m.line, m.case_key,
       sum(try_cast(i.quantity AS DECIMAL(18,4)) * try_cast(i.price AS DECIMAL(18,4))) AS amount,
       count(*) FILTER (WHERE try_cast(i.quantity AS DECIMAL(18,4)) IS NULL
                           OR try_cast(i.price AS DECIMAL(18,4)) IS NULL) AS bad,
       list(DISTINCT upper(i.currency)) FILTER (WHERE i.currency IS NOT NULL) AS currencies
     FROM wh_events m JOIN wh_events i ON i.kind = 'item' AND i.wamid = m.wamid
       AND i.file = m.file AND i.line = m.line
     WHERE m.kind = 'in'
     GROUP BY ALL`,
    "whatsapp-webhooks: orders",
  );
  await run(
    connection,
    `INSERT INTO raw_rejects
     SELECT file, line, 'product_items', wamid,
       CASE WHEN bad > 0 THEN 'an order item has no numeric quantity or item_price'
            ELSE 'order items are not in exactly one currency: '
                 || coalesce(array_to_string(currencies, ', '), 'none')
       END,
       to_json({'case': case_key, 'id': wamid})::VARCHAR
     FROM wh_orders WHERE bad > 0 OR len(currencies) <> 1`,
    "whatsapp-webhooks: orders",
  );
  await run(
    connection,
    `INSERT INTO raw_orders BY NAME
     SELECT wamid AS order_id, party AS customer_id, ts AS ordered_at,
       CAST(amount AS VARCHAR) AS amount, currencies[1] AS currency, 'paid' AS status,
       file AS _file, line AS _line
     FROM wh_orders WHERE bad = 0 AND len(currencies) = 1 ORDER BY file, line`,
    "whatsapp-webhooks: orders",
  );
  await run(
    connection,
    `INSERT INTO raw_order_items BY NAME
     SELECT i.wamid AS order_id, i.sku, i.quantity, i.price AS unit_price, i.file AS _file,
       i.line AS _line
     FROM wh_events i SEMI JOIN wh_orders o
       ON o.wamid = i.wamid AND o.file = i.file AND o.line = i.line AND o.bad = 0
          AND len(o.currencies) = 1
     WHERE i.kind = 'item' ORDER BY i.file, i.line`,
    "whatsapp-webhooks: order items",
  );
}
