import {existsSync} from "node:fs";
import {afterEach, describe, expect, it} from "vitest";
import {whatsappWebhooksAdapter} from "../lib/adapters/whatsapp-webhooks.js";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";
import {realdata} from "./helpers/realdata.js";

const FIXTURES = "test/fixtures/adapters/whatsapp-webhooks";
const REALDATA = realdata("whatsapp-webhooks-pywa");

/** Real exports are optional locally but required in CI, where a missing folder must fail. */
const realdataMissing = !existsSync(REALDATA);
const describeReal = describe.skipIf(realdataMissing && !process.env.CI);

let db: Database | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

async function load(input: string) {
  db = await openDatabase(":memory:");
  const report = await ingest(db.connection, whatsappWebhooksAdapter, input, parseSettings({}));
  const q = <T = Record<string, unknown>>(sql: string) => queryRows<T>(db!.connection, sql, "test");
  return {report, q};
}

describe("whatsapp-webhooks adapter, hand-checked bodies", () => {
  it("reads JSON Lines and objects of cases into messages, orders and customers", async () => {
    const {report, q} = await load(FIXTURES);

    expect(report.files.map((f) => [f.file, f.rows])).toEqual([
      ["cases.json", 2],
      ["events.jsonl", 8],
    ]);
    expect(
      await q(`SELECT message_id, customer_id, direction, sent_at, delivered_at, read_at, failed_at,
                 error_code, text FROM messages ORDER BY sent_at`),
    ).toEqual([
      {message_id: "wamid.in1", customer_id: "447400123456", direction: "in",
        sent_at: "2023-11-14T22:13:20.000Z", delivered_at: null, read_at: null, failed_at: null,
        error_code: null, text: "Hi"},
      {message_id: "wamid.out1", customer_id: "447400123456", direction: "out",
        sent_at: "2023-11-14T22:15:00.000Z", delivered_at: "2023-11-14T22:16:00.000Z",
        read_at: "2023-11-14T22:16:40.000Z", failed_at: null, error_code: null, text: null},
      // No "sent" status: the earliest status is the send time.
      {message_id: "wamid.out2", customer_id: "447400123456", direction: "out",
        sent_at: "2023-11-14T22:18:20.000Z", delivered_at: null, read_at: null,
        failed_at: "2023-11-14T22:18:20.000Z", error_code: "131026", text: null},
      {message_id: "wamid.ord1", customer_id: "447400123456", direction: "in",
        sent_at: "2023-11-14T22:20:00.000Z", delivered_at: null, read_at: null, failed_at: null,
        error_code: null, text: "[order]"},
      {message_id: "wamid.img1", customer_id: "447400123456", direction: "in",
        sent_at: "2023-11-14T22:21:40.000Z", delivered_at: null, read_at: null, failed_at: null,
        error_code: null, text: "[image] look"},
    ]);
    expect(
      await q(`SELECT order_id, customer_id, ordered_at, CAST(amount AS VARCHAR) AS amount,
        currency,
                 status FROM orders`),
    ).toEqual([
      {order_id: "wamid.ord1", customer_id: "447400123456", ordered_at: "2023-11-14T22:20:00.000Z",
        amount: "20.0000", currency: "GBP", status: "paid"},
    ]);
    expect(await q("SELECT sku, quantity, unit_price FROM order_items ORDER BY line")).toEqual([
      {sku: "CAKE", quantity: 2, unit_price: 9.99},
      {sku: "CANDLE", quantity: 1, unit_price: 0.02},
    ]);
    expect(await q("SELECT customer_id, phone, name FROM customers")).toEqual([
      {customer_id: "447400123456", phone: "+447400123456", name: "Ann"},
    ]);

    type Reject = {file: string; line: number; value: string; reason: string; row_json: string};
    const rejects = await q<Reject>(
      "SELECT file, line, value, reason, row_json FROM rejects ORDER BY file, line",
    );
    expect(rejects.map((r) => [r.file, r.line, r.value])).toEqual([
      ["cases.json", 2, "<USER_PHONE_NUMBER>"],
      ["events.jsonl", 7, "{not json"],
      ["events.jsonl", 8, "120363000000000000abc"],
    ]);
    expect(rejects[0]!.reason).toBe("sender is not a phone number (placeholder or missing)");
    expect(JSON.parse(rejects[0]!.row_json).case).toBe("placeholder");
    expect(rejects[1]!.reason).toMatch(/^not a JSON webhook body: /);
    expect(rejects[2]!.reason).toBe("status of a group message, not of a customer's");
  });
});

describeReal("whatsapp-webhooks adapter, real pywa fixtures", () => {
  it("finds the real export folder", () => {
    expect(realdataMissing, `${REALDATA} is missing`).toBe(false);
  });

  it("loads every case and explains each one it cannot use", async () => {
    const {report, q} = await load(REALDATA);

    expect(report.files.map((f) => [f.file, f.rows])).toEqual([
      ["callback_button.json", 3],
      ["callback_selection.json", 2],
      ["deleted_message.json", 1],
      ["edited_message.json", 1],
      ["message.json", 23],
      ["message_status.json", 7],
      ["outgoing_message.json", 3],
      ["system.json", 2],
    ]);
    const byReason = new Map<string, number>();
    for (const r of report.rejectsByReason) byReason.set(r.reason,
      (byReason.get(r.reason) ?? 0) + r.rows);
    expect(Object.fromEntries(byReason)).toEqual({
      // The fixtures reuse ids: "wamid.xyzxyz" in 22 inbound cases besides the outbound statuses
      // (the outbound row, from the later file, wins), and "wamid.zyzxyz" in two list replies.
      "duplicate message_id: a later row in the drop replaces this one": 23,
      "edit or deletion of an earlier message, not a new message": 4,
      "system notice (number or identity change), not a message": 2,
      "contact wa_id is not a phone number (placeholder or missing)": 1,
      "status of a group message, not of a customer's": 1,
      "recipient is not a phone number (placeholder or missing)": 1,
    });
    const byDirection = "SELECT direction, count(*) AS n FROM messages GROUP BY ALL ORDER BY 1";
    expect(await q(byDirection)).toEqual([
      {direction: "in", n: 5},
      {direction: "out", n: 1},
    ]);
    // The fixtures' "read" (1689380458) is earlier than their "sent" (1698266945): kept as given.
    expect(
      await q(`SELECT sent_at, delivered_at, read_at, failed_at, error_code FROM messages
               WHERE message_id = 'wamid.xyzxyz'`),
    ).toEqual([
      {sent_at: "2023-10-25T20:49:05.000Z", delivered_at: "2023-10-25T20:49:05.000Z",
        read_at: "2023-07-15T00:20:58.000Z", failed_at: "2023-07-15T00:20:58.000Z",
        error_code: "130472"},
    ]);
    expect(
      await q("SELECT order_id, CAST(amount AS VARCHAR) AS amount, currency, status FROM orders"),
    ).toEqual([{order_id: "wamid.xyzxyz", amount: "180.0000", currency: "ILS", status: "paid"}]);
    expect(await q("SELECT count(*) AS n FROM order_items")).toEqual([{n: 3}]);
    expect(await q("SELECT customer_id, phone FROM customers")).toEqual([
      {customer_id: "972987654321", phone: "+972987654321"},
    ]);
  });
});
