import {createHash} from "node:crypto";
import {existsSync, readFileSync, readdirSync, statSync} from "node:fs";
import {basename, extname, join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {describeValue} from "../describe-value.js";
import {run} from "../duckdb.js";
import type {Settings} from "../settings/index.js";
import type {Adapter, StagedFile} from "./types.js";

/**
 * A message header, in every layout seen in exports (after direction marks are removed):
 * `13/10/2023, 11:58 am - Sender: text` (Android), `[20.06.19, 15:58:47] Sender: text` (iOS),
 * `[15-01-20 02:22:56] Sender: text`, `[2019-04-16 02:09] Sender: text` and
 * `15/12/2025, 10:34:00 AM Sender: text`. Before am/pm there may be U+0020, U+00A0 or U+202F
 * (TC-15), or nothing.
 */
const HEADER = new RegExp(
  "^(\\[)?(\\d{1,4})([./-])(\\d{1,2})\\3(\\d{2,4})(,)?[ \\u00a0\\u202f]+" +
    "(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?" +
    "(?:[ \\u00a0\\u202f]?([AaPp])\\.?[ \\u00a0\\u202f]?[Mm]\\.?)?" +
    "(\\])?(?:[ \\u00a0\\u202f]+-[ \\u00a0\\u202f]+|[ \\u00a0\\u202f]+)(.*)$",
);

/** Invisible direction marks and a BOM, which iOS exports put before headers and attachments. */
const MARKS = /[\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Notices WhatsApp writes as if a member had sent them (Android puts the chat's name first). */
const SYSTEM_TEXT = [
  /^Messages and calls are end-to-end encrypted/i,
  /^Messages (you send )?to this (group|chat) are now secured with end-to-end encryption/i,
];

/** The author of this notice created the group, so it is the exporting account. */
const CREATED_GROUP = /^(.+?) created (the )?group\b/;

/** A sender shown as a phone number (an unsaved contact): digits with spaces, dashes, brackets. */
const PHONE_SENDER = /^\+?[\d\s\u00a0\u202f().-]+$/;

type DateOrder = "dmy" | "mdy" | "ymd";

interface Header {
  line: number;
  /** Bracket, separators and year width: lines of one style share a day/month order. */
  style: string;
  first: number;
  second: number;
  year: number;
  yearFirst: boolean;
  hour: number;
  minute: number;
  secondOfMinute: number;
  rest: string;
}

/** One record of a file: a header line with its continuation lines, or text before any header. */
interface ChatRecord {
  header?: Header;
  line: number;
  lines: string[];
}

interface ParsedFile {
  file: string;
  records: ChatRecord[];
}

function parseHeader(text: string, line: number): Header | undefined {
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const [, open, a, dateSep, b, c, comma, hh, mm, ss, ampm, close, rest] = m;
  if (Boolean(open) !== Boolean(close)) return undefined;
  const yearFirst = a!.length === 4;
  if (!yearFirst && a!.length > 2) return undefined;
  if (yearFirst ? c!.length !== 2 : c!.length === 3) return undefined;
  let hour = Number(hh);
  if (ampm) {
    if (hour < 1 || hour > 12) return undefined;
    // 12 am is midnight (hour 0) and 12 pm is noon (hour 12).
    hour = (hour % 12) + (ampm.toLowerCase() === "p" ? 12 : 0);
  }
  const year = yearFirst ? Number(a) : c!.length === 2 ? 2000 + Number(c) : Number(c);
  return {
    line,
    style: [open ?? "", dateSep, yearFirst ? "ymd" : c!.length, comma ?? "", ampm ? "12h" : ""]
      .join(""),
    first: Number(yearFirst ? b : a),
    second: Number(yearFirst ? c : b),
    year,
    yearFirst,
    hour,
    minute: Number(mm),
    secondOfMinute: Number(ss ?? 0),
    rest: rest!,
  };
}

function parseFile(text: string, file: string): ParsedFile {
  const records: ChatRecord[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const clean = raw.replace(MARKS, "");
    const header = parseHeader(clean, i + 1);
    const last = records[records.length - 1];
    if (header) {
      records.push({header, line: i + 1, lines: [header.rest]});
    } else if (last) {
      last.lines.push(clean);
    } else if (clean.trim() !== "") {
      records.push({line: i + 1, lines: [clean]});
    }
  });
  // A final newline (or a blank line at the end) is not part of the last message.
  for (const record of records) {
    while (record.lines.length > 1 && record.lines[record.lines.length - 1]!.trim() === "") {
      record.lines.pop();
    }
  }
  return {file, records};
}

/** Day/month evidence of some headers: which orders their numbers rule out. */
function evidence(headers: Header[]): {dmy?: Header; mdy?: Header} {
  return {
    dmy: headers.find((h) => !h.yearFirst && h.first > 12),
    mdy: headers.find((h) => !h.yearFirst && h.second > 12),
  };
}

function show(header: Header): string {
  return `line ${header.line}: ${header.first}/${header.second}`;
}

/**
 * The day/month order of each header style of each file. Evidence comes first (a first number
 * above 12 can only be a day, a second number above 12 only a day too): from the style's own lines,
 * then the rest of the file, then every file of the input (TC-12: never a per-file guess). With no
 * evidence at all, settings.ingest.dateOrder decides when it is "dmy" or "mdy"; otherwise this
 * stops and asks for it.
 */
function dateOrders(parsed: ParsedFile[], settings: Settings): Map<string, DateOrder> {
  const orders = new Map<string, DateOrder>();
  const all = parsed.flatMap((p) => p.records.flatMap((r) => (r.header ? [r.header] : [])));
  const everywhere = evidence(all);
  for (const {file, records} of parsed) {
    const headers = records.flatMap((r) => (r.header ? [r.header] : []));
    const inFile = evidence(headers);
    for (const style of new Set(headers.map((h) => h.style))) {
      const ofStyle = headers.filter((h) => h.style === style);
      if (ofStyle[0]!.yearFirst) {
        orders.set(`${file}\n${style}`, "ymd");
        continue;
      }
      const own = evidence(ofStyle);
      if (own.dmy && own.mdy) {
        throw new Error(
          `whatsapp-chat: ${file} writes dates both day-first (${show(own.dmy)}) and ` +
            `month-first (${show(own.mdy)}) in the same header layout; ` +
            "split the export by date format before loading it",
        );
      }
      const decided = [own, inFile, everywhere].find((e) => Boolean(e.dmy) !== Boolean(e.mdy));
      let order: DateOrder | undefined = decided ? (decided.dmy ? "dmy" : "mdy") : undefined;
      if (!order && settings.ingest.dateOrder !== "ymd") order = settings.ingest.dateOrder;
      if (!order) {
        const example = ofStyle[0]!;
        throw new Error(
          `whatsapp-chat: ${file} has no date with a number above 12 (${show(example)}), ` +
            "so day and month cannot be told apart; " +
            'set ingest.dateOrder to "dmy" or "mdy" in the settings file',
        );
      }
      orders.set(`${file}\n${style}`, order);
    }
  }
  return orders;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** The header's wall-clock time as "YYYY-MM-DD HH:MM:SS", or undefined when it is no real date. */
function localTime(header: Header, order: DateOrder): string | undefined {
  const [month, day] =
    order === "dmy" ? [header.second, header.first] : [header.first, header.second];
  const check = new Date(Date.UTC(header.year, month - 1, day));
  const valid =
    check.getUTCFullYear() === header.year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    header.hour < 24 &&
    header.minute < 60 &&
    header.secondOfMinute < 60;
  if (!valid) return undefined;
  return (
    `${pad(header.year, 4)}-${pad(month)}-${pad(day)} ` +
    `${pad(header.hour)}:${pad(header.minute)}:${pad(header.secondOfMinute)}`
  );
}

/** A sender as a customer: phone-number senders by their digits, others by their name. */
function customerOf(sender: string): {id: string; phone?: string; name?: string} {
  const digits = sender.replace(/\D/g, "");
  if (PHONE_SENDER.test(sender) && digits.length >= 7) return {id: digits, phone: `+${digits}`};
  return {id: sender, name: sender};
}

interface ChatRow {
  kind: "message" | "customer" | "reject";
  file: string;
  line: number;
  messageId?: string;
  customerId?: string;
  direction?: "in" | "out";
  sentAt?: string;
  text?: string;
  phone?: string;
  name?: string;
  column?: string;
  value?: string;
  reason?: string;
}

const ROW_COLUMNS = [
  "kind", "file", "line", "message_id", "customer_id", "direction", "sent_at", "text", "phone",
  "name", "column_name", "value", "reason",
] as const;

/** Messages, customers and rejects of one parsed file. */
function fileRows(
  parsed: ParsedFile,
  orders: Map<string, DateOrder>,
  settings: Settings,
): ChatRow[] {
  const {file, records} = parsed;
  const rows: ChatRow[] = [];
  const reject = (line: number, column: string, value: string, reason: string) =>
    rows.push({kind: "reject", file, line, column, value, reason});

  // Each record is a message (sender and text), a system line, or text before the first header.
  const messages: {record: ChatRecord; sender: string; text: string; at: string}[] = [];
  let owner = settings.ingest.chatOwner.trim();
  for (const record of records) {
    const {header} = record;
    const text = record.lines.join("\n");
    if (!header) {
      reject(record.line, "line", text, "text before the first message header");
      continue;
    }
    const at = localTime(header, orders.get(`${file}\n${header.style}`)!);
    if (!at) {
      reject(record.line, "date", text.slice(0, 200), "header date or time is not a real date");
      continue;
    }
    const split = /^(.+?):(?: |$)/.exec(header.rest);
    const body = split ? text.slice(split[0].length) : "";
    if (!split || SYSTEM_TEXT.some((p) => p.test(body))) {
      const created = CREATED_GROUP.exec(header.rest);
      if (!owner && created && !/^you$/i.test(created[1]!)) owner = created[1]!.trim();
      reject(record.line, "line", text, "system line, not a message");
      continue;
    }
    // Newer exports prefix unsaved contacts with "~ ".
    const sender = split[1]!.replace(/^~[\s\u00a0\u202f]*/, "").trim();
    messages.push({record, sender, text: body, at});
  }

  const customers = [...new Set(messages.map((m) => m.sender).filter((s) => s !== owner))];
  if (!owner && customers.length > 1) {
    // Without the shop's own name every message is inbound and no reply is ever seen: say so.
    process.stderr.write(
      `whatsapp-chat: ${file}: no shop sender found (no "created group" line, ingest.chatOwner not set), so the ` +
        `${customers.length} senders (${customers.slice(0, 3).join(", ")}${customers.length > 3 ? ", …" : ""}) are all read as ` +
        `customers; set ingest.chatOwner to the shop's name as it appears in the chat\n`,
    );
  }
  messages.forEach((message, i) => {
    const {record, sender, text, at} = message;
    const messageId = createHash("sha256")
      .update(`${file}\n${record.line}\n${sender}\n${at}`)
      .digest("hex")
      .slice(0, 32);
    if (sender !== owner) {
      const customer = customerOf(sender);
      rows.push({kind: "customer", file, line: record.line, customerId: customer.id, ...customer});
      rows.push({
        kind: "message", file, line: record.line, messageId, customerId: customer.id,
        direction: "in", sentAt: at, text,
      });
      return;
    }
    // The owner's message goes to the chat's one customer; in a group, to the customer it most
    // likely answers: the last one who wrote before it (else the next one who writes).
    // Limitation: in group chats this is a guess, so per-customer reply counts can be off.
    const before = messages.slice(0, i).reverse().find((m) => m.sender !== owner);
    const after = messages.slice(i + 1).find((m) => m.sender !== owner);
    const to = customers.length === 1 ? customers[0] : (before ?? after)?.sender;
    if (!to) {
      const reason = "message from the chat owner in a chat with no customer";
      reject(record.line, "sender", sender, reason);
      return;
    }
    rows.push({
      kind: "message", file, line: record.line, messageId, customerId: customerOf(to).id,
      direction: "out", sentAt: at, text,
    });
  });
  return rows;
}

/** The .txt files of an input: the file itself or every .txt in a folder (sorted by name). */
function chatFiles(input: string): {path: string; file: string}[] {
  if (!existsSync(input)) throw new Error(`whatsapp-chat: input not found: ${input}`);
  if (!statSync(input).isDirectory()) return [{path: input, file: basename(input)}];
  const files = readdirSync(input)
    .filter((name) => extname(name).toLowerCase() === ".txt")
    .sort()
    .map((name) => ({path: join(input, name), file: name}));
  if (files.length === 0) throw new Error(`whatsapp-chat: ${input} holds no .txt chat exports`);
  return files;
}

async function appendRows(connection: DuckDBConnection, rows: ChatRow[]): Promise<void> {
  const columns = ROW_COLUMNS.map((c) => (c === "line" ? "line BIGINT" : `${c} VARCHAR`));
  const sql = `CREATE OR REPLACE TEMP TABLE chat_rows (${columns.join(", ")})`;
  await run(connection, sql, "whatsapp-chat");
  const appender = await connection.createAppender("chat_rows", "main", "temp");
  for (const row of rows) {
    const values = [
      row.kind, row.file, row.line, row.messageId, row.customerId, row.direction, row.sentAt,
      row.text, row.phone, row.name, row.column, row.value, row.reason,
    ];
    for (const value of values) {
      if (value === undefined) appender.appendNull();
      else if (typeof value === "number") appender.appendBigInt(BigInt(value));
      else appender.appendVarchar(value);
    }
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * WhatsApp chat exports (.txt, one file or a folder of them), Android and iOS layouts.
 *
 * - A header line starts a message; a line without one continues the previous message.
 * - Lines with no "Sender:" (and WhatsApp's encryption notices) are system lines: they are counted
 *   in raw_rejects with reason "system line, not a message".
 * - Day/month order is proved by the dates themselves (see dateOrders), never guessed per file.
 * - Times are the exporting phone's clock: they are written naive ("YYYY-MM-DD HH:MM:SS") and read
 *   in settings.ingest.timeZone by the validator.
 * - Senders are customers: a phone-number sender by its digits ("+971 50 123 4567" → 971501234567),
 *   a named sender by the name. The exporting account (settings.ingest.chatOwner, else the author
 *   of a "created group" line) is the shop: its messages are outbound.
 * - message_id is a hash of file, line, sender and time, so reloading a file gives the same ids.
 */
export const whatsappChatAdapter: Adapter = {
  name: "whatsapp-chat",
  description: "WhatsApp chat exports (.txt), Android or iOS, 12- or 24-hour clock",
  async stage(connection, input, settings) {
    const parsed = chatFiles(input).map(({path, file}) => {
      try {
        return parseFile(readFileSync(path, "utf8").replace(/^\uFEFF/, ""), file);
      } catch (error) {
        const reason = (error as Error).message;
        throw new Error(`whatsapp-chat: cannot read ${file}: ${reason}`, {cause: error});
      }
    });
    const orders = dateOrders(parsed, settings);
    const rows = parsed.flatMap((p) => fileRows(p, orders, settings));
    await appendRows(connection, rows);

    await run(
      connection,
      `INSERT INTO raw_rejects
       SELECT file, line, column_name, value, reason,
         to_json({'file': file, 'line': line, 'text': value})::VARCHAR
       FROM chat_rows WHERE kind = 'reject' ORDER BY file, line`,
      "whatsapp-chat: rejects",
    );
    await run(
      connection,
      `INSERT INTO raw_messages BY NAME
       SELECT message_id, customer_id, direction, sent_at, text, file AS _file, line AS _line
       FROM chat_rows WHERE kind = 'message' ORDER BY file, line`,
      "whatsapp-chat: messages",
    );
    await run(
      connection,
      `INSERT INTO raw_customers BY NAME
       SELECT customer_id, arg_min(phone, (file, line)) AS phone,
         arg_min(name, (file, line)) AS name,
         min(file) AS _file, arg_min(line, (file, line)) AS _line
       FROM chat_rows WHERE kind = 'customer' GROUP BY customer_id ORDER BY _file, _line`,
      "whatsapp-chat: customers",
    );
    const files: StagedFile[] = parsed.map((p) => ({
      file: p.file,
      table: "messages",
      rows: p.records.length,
    }));
    if (files.every((f) => f.rows === 0)) {
      throw new Error(`whatsapp-chat: ${describeValue(input)} holds no chat lines`);
    }
    return {files};
  },
};
