import {existsSync} from "node:fs";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {whatsappChatAdapter} from "../lib/adapters/whatsapp-chat.js";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";
import {REALDATA_DIR} from "./helpers/realdata.js";

const FIXTURES = "test/fixtures/adapters/whatsapp-chat";
const REALDATA = REALDATA_DIR;
const REAL_FOLDERS = ["whatsapp-chat-pustur", "whatsapp-chat-rb", "whatsapp-chat-whatstk"];

/** Real exports are optional locally but required in CI, where a missing folder must fail. */
const realdataMissing = REAL_FOLDERS.filter((f) => !existsSync(join(REALDATA, f)));
const describeReal = describe.skipIf(realdataMissing.length > 0 && !process.env.CI);

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

async function load(input: string, settings: object = {}) {
  db = await openDatabase(":memory:");
  const report = await ingest(db.connection, whatsappChatAdapter, input, parseSettings(settings));
  const q = <T = Record<string, unknown>>(sql: string) => queryRows<T>(db!.connection, sql, "test");
  return {report, q};
}

describe("whatsapp-chat adapter, TC-15", () => {
  const settings = {ingest: {timeZone: "Europe/London", chatOwner: "Shop"}};

  it("reads U+202F before am/pm, 12 am as midnight and multi-line messages", async () => {
    const {report, q} = await load(join(FIXTURES, "tc15.txt"), settings);

    expect(report.rejectsByReason).toEqual([]);
    expect(
      await q("SELECT customer_id, direction, sent_at, text FROM messages ORDER BY sent_at"),
    ).toEqual([
      {customer_id: "971501234567", direction: "in", sent_at: "2023-10-13T10:58:00.000Z",
        text: "Order for 2 boxes"},
      {customer_id: "971501234567", direction: "out", sent_at: "2023-10-13T11:05:00.000Z",
        text: "Thanks! Total is 40\nplease confirm address"},
      {customer_id: "971501234567", direction: "in", sent_at: "2023-10-13T23:20:00.000Z",
        text: "Confirmed"},
    ]);
    expect(await q("SELECT customer_id, phone FROM customers")).toEqual([
      {customer_id: "971501234567", phone: "+971501234567"},
    ]);
    // Customer activity in the customer's zone (Asia/Dubai): (Fri 5, 14) and (Sat 6, 3).
    expect(
      await q(`SELECT isodow(timezone('Asia/Dubai', sent_at)) AS weekday,
                 hour(timezone('Asia/Dubai', sent_at)) AS hour
               FROM messages WHERE direction = 'in' ORDER BY sent_at`),
    ).toEqual([
      {weekday: 5, hour: 14},
      {weekday: 6, hour: 3},
    ]);
  });

  it("gives the same message ids when the file is loaded again", async () => {
    const first = await load(join(FIXTURES, "tc15.txt"), settings);
    const ids = await first.q("SELECT message_id FROM messages ORDER BY message_id");
    closeDatabase(db!);
    const second = await load(join(FIXTURES, "tc15.txt"), settings);
    expect(await second.q("SELECT message_id FROM messages ORDER BY message_id")).toEqual(ids);
    expect(ids).toHaveLength(3);
  });
});

describe("whatsapp-chat adapter, day/month order", () => {
  const cakes = join(FIXTURES, "ios-no-evidence");

  it("stops and asks for ingest.dateOrder when no date proves the order", async () => {
    db = await openDatabase(":memory:");
    await expect(
      ingest(db.connection, whatsappChatAdapter, cakes, parseSettings({})),
    ).rejects.toThrow(
      /cakes\.txt has no date with a number above 12 \(line 1: 5\/11\).*ingest\.dateOrder/,
    );
  });

  it("reads an iOS export (BOM, CRLF, U+200E, U+00A0) in the configured order", async () => {
    const {report, q} = await load(cakes, {ingest: {dateOrder: "dmy"}});

    expect(report.files).toEqual([{file: "cakes.txt", table: "messages", rows: 4}]);
    expect(await q(`SELECT line, "column", value, reason FROM rejects ORDER BY line`)).toEqual([
      {line: 1, column: "line", value: "Anna created group \u201cCakes\u201d",
        reason: "system line, not a message"},
    ]);
    // Anna created the group, so she is the shop; her welcome goes to the first customer.
    expect(
      await q("SELECT customer_id, direction, sent_at, text FROM messages ORDER BY sent_at"),
    ).toEqual([
      {customer_id: "447400123456", direction: "out", sent_at: "2023-11-05T21:16:10.000Z",
        text: "Welcome!"},
      {customer_id: "447400123456", direction: "in", sent_at: "2023-11-05T21:17:00.000Z",
        text: "2 cakes please\nfor Friday"},
      {customer_id: "Ben", direction: "in", sent_at: "2023-11-06T00:01:00.000Z",
        text: "<attached: 0001-PHOTO.jpg>"},
    ]);
    expect(await q("SELECT customer_id, phone, name FROM customers ORDER BY customer_id")).toEqual([
      {customer_id: "447400123456", phone: "+447400123456", name: null},
      {customer_id: "Ben", phone: null, name: "Ben"},
    ]);
  });

  it("follows a month-first setting when the dates prove nothing", async () => {
    const {q} = await load(cakes, {ingest: {dateOrder: "mdy"}});
    expect(await q("SELECT min(sent_at) AS first FROM messages")).toEqual([
      {first: "2023-05-11T21:16:10.000Z"},
    ]);
  });

  it("takes evidence from another file of the same folder (TC-12)", async () => {
    const {q} = await load(join(FIXTURES, "folder-evidence"));
    expect(await q("SELECT sent_at, text FROM messages ORDER BY sent_at")).toEqual([
      {sent_at: "2024-02-01T10:00:00.000Z", text: "hi"},
      {sent_at: "2024-02-25T10:00:00.000Z", text: "again"},
    ]);
  });

  it("refuses a file whose dates prove both orders in one header layout", async () => {
    db = await openDatabase(":memory:");
    await expect(
      ingest(db.connection, whatsappChatAdapter, join(FIXTURES, "conflict"), parseSettings({})),
    ).rejects.toThrow(
      "whatsapp-chat: chat.txt writes dates both day-first (line 1: 13/1) and " +
        "month-first (line 2: 1/13)",
    );
  });
});

describeReal("whatsapp-chat adapter, real exports", () => {
  it("finds the real export folders", () => {
    expect(realdataMissing, `missing under ${REALDATA}`).toEqual([]);
  });

  it("reads the iOS group chat (pustur) with Loris as the exporting account", async () => {
    const {report, q} = await load(join(REALDATA, "whatsapp-chat-pustur"));

    expect(report.files).toEqual([{file: "_chat.txt", table: "messages", rows: 52}]);
    expect(report.rejectsByReason).toEqual([
      {file: "_chat.txt", column: "line", reason: "system line, not a message", rows: 4},
    ]);
    const byDirection = "SELECT direction, count(*) AS n FROM messages GROUP BY ALL ORDER BY 1";
    expect(await q(byDirection)).toEqual([
      {direction: "in", n: 19},
      {direction: "out", n: 29},
    ]);
    expect(await q("SELECT customer_id FROM customers ORDER BY 1")).toEqual([
      {customer_id: "Emily"},
      {customer_id: "John"},
    ]);
    expect(
      await q(`SELECT customer_id, sent_at, text FROM messages
               WHERE sent_at = '2019-06-20 16:03:07Z'`),
    ).toEqual([
      {customer_id: "Emily", sent_at: "2019-06-20T16:03:07.000Z",
        text: "Come on...\ndon't be so mysterious and show us!"},
    ]);
    const poll = await q<{text: string}>("SELECT text FROM messages WHERE text LIKE 'POLL:%'");
    expect(poll[0]!.text.split("\n")).toHaveLength(7);
  });

  it("reads the mixed-layout file (rb) picking the order per header layout", async () => {
    const {report, q} = await load(join(REALDATA, "whatsapp-chat-rb"));

    expect(report.files[0]!.rows).toBe(7);
    expect(report.rejectsByReason).toEqual([
      {file: "sample.txt", column: "line", reason: "system line, not a message", rows: 2},
    ]);
    expect(await q("SELECT customer_id, sent_at FROM messages ORDER BY sent_at")).toEqual([
      {customer_id: "John Doe", sent_at: "2025-12-15T10:30:00.000Z"},
      {customer_id: "Jane Smith", sent_at: "2025-12-15T10:31:00.000Z"},
      {customer_id: "Alice", sent_at: "2025-12-15T10:32:03.000Z"},
      {customer_id: "Bob", sent_at: "2025-12-15T10:33:00.000Z"},
      {customer_id: "Charlie", sent_at: "2025-12-15T10:34:00.000Z"},
    ]);
    expect(await q("SELECT count(*) AS n FROM customers")).toEqual([{n: 5}]);
  });

  it("reads the whatstk exports (2-digit years, ISO dates, dots, phone senders)", async () => {
    const {report, q} = await load(join(REALDATA, "whatsapp-chat-whatstk"));

    expect(report.files.map((f) => [f.file, f.rows])).toEqual([
      ["lorem-2000.txt", 2000],
      ["lorem.txt", 500],
      ["pokemon.txt", 20],
    ]);
    expect(report.rejectsByReason).toEqual([
      {file: "pokemon.txt", column: "line", reason: "system line, not a message", rows: 2},
    ]);
    expect(await q("SELECT count(*) AS n FROM messages")).toEqual([{n: 2518}]);
    expect(await q("SELECT count(*) AS n FROM customers")).toEqual([{n: 12}]);
    expect(
      await q(`SELECT count(*) AS n FROM messages m JOIN customers c USING (customer_id)
               WHERE c.phone = '+1123456789'`),
    ).toEqual([{n: 652}]);
    // lorem.txt is dd-mm-yy ("15-01-20" is 15 January 2020); lorem-2000.txt is ISO.
    expect(
      await q(`SELECT customer_id, sent_at FROM messages
               WHERE rtrim(text) IN ('Nostrud exercitation magna id.',
                 'Ea esse officia nisi tempor mollit non.',
                 'Commodo incididunt veniam incididunt, nostrud sed veniam proident labore do.')
               ORDER BY sent_at`),
    ).toEqual([
      {customer_id: "Mary", sent_at: "2020-01-15T02:22:56.000Z"},
      {customer_id: "Mary", sent_at: "2020-05-11T22:32:48.000Z"},
      {customer_id: "Giuseppe", sent_at: "2020-06-13T00:00:00.000Z"},
    ]);
  });
});
