import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import fc from "fast-check";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {cleanTextSql, dropAdapter, ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";

const scratch = mkdtempSync(join(tmpdir(), "tagbook-ingest-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/** Writes a drop folder from {file: text} and ingests it into a fresh in-memory warehouse. */
async function ingestFiles(files: Record<string, string | Buffer>, settings = {}) {
  const dir = mkdtempSync(join(scratch, "drop-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const db = await openDatabase(":memory:");
  const report = await ingest(db.connection, dropAdapter, dir, parseSettings(settings), "2024-06-30");
  return {db, report, dir};
}

describe("ingest(drop folder)", () => {
  let db: Database;
  beforeAll(async () => {
    ({db} = await ingestFiles({
      "orders.csv": [
        "order_id,customer_id,ordered_at,amount,currency,status",
        "o1,c1,2024-01-06T09:00:00Z,20.00,GBP,paid",
        "o2,c1,2024-01-06 17:30,5.5,GBP,",
        "o3,c2,2024-01-07T00:30:00+04:00,12.00,AED,canceled",
        "o4,c2,yesterday,3.00,AED,paid",
        "o5,c2,2024-01-08T00:00:00Z,\"12,50\",AED,paid",
        "o6,,2024-01-08T00:00:00Z,1.00,AED,paid",
        "o7,c3,2024-01-08T00:00:00Z,-4.00,AED,paid",
        "o1,c1,2024-01-06T09:00:00Z,21.00,GBP,refunded",
      ].join("\n"),
    }));
  });
  afterAll(() => closeDatabase(db));

  it("reads offsets as given and naive timestamps in the configured zone", async () => {
    const rows = await queryRows(db.connection, "SELECT order_id, ordered_at, amount, status FROM orders ORDER BY order_id", "t");
    expect(rows).toEqual([
      {order_id: "o1", ordered_at: "2024-01-06T09:00:00.000Z", amount: 21, status: "refunded"},
      {order_id: "o2", ordered_at: "2024-01-06T17:30:00.000Z", amount: 5.5, status: "paid"},
      {order_id: "o3", ordered_at: "2024-01-06T20:30:00.000Z", amount: 12, status: "cancelled"},
    ]);
  });

  it("keeps every unusable row in rejects with file, line, column, value and reason", async () => {
    const rows = await queryRows(db.connection, `SELECT file, line, "column", value, reason FROM rejects ORDER BY line`, "t");
    expect(rows.map((r) => [r.file, r.line, r.column, r.value])).toEqual([
      ["orders.csv", 2, "order_id", "o1"],
      ["orders.csv", 5, "ordered_at", "yesterday"],
      ["orders.csv", 6, "amount", "12,50"],
      ["orders.csv", 7, "customer_id", null],
      ["orders.csv", 8, "amount", "-4.00"],
    ]);
    expect(rows[0]!.reason).toMatch(/duplicate order_id/);
    expect(rows[2]!.reason).toMatch(/decimal separator "\."/);
  });

  it("trims and unguards ids and codes, but keeps message text exactly as written", async () => {
    const {db: chat} = await ingestFiles({
      "messages.csv": [
        "message_id,customer_id,direction,sent_at,text,campaign_id",
        "m1, c1 ,in,2024-01-06T09:00:00Z,\" see you soon \",'=spring",
        "m2,\u00a0c2,out,2024-01-06T10:00:00Z,'=1+1,",
      ].join("\n"),
    });
    const rows = await queryRows(chat.connection, "SELECT message_id, customer_id, text, campaign_id FROM messages ORDER BY message_id", "t");
    expect(rows).toEqual([
      {message_id: "m1", customer_id: "c1", text: " see you soon ", campaign_id: "=spring"},
      {message_id: "m2", customer_id: "c2", text: "'=1+1", campaign_id: null},
    ]);
    closeDatabase(chat);
  });

  it("reads JSON Lines as text, whatever JSON type each value has", async () => {
    const {db: json} = await ingestFiles({
      "orders.jsonl": [
        '{"order_id": 12345678901234567890123, "customer_id": 7, "ordered_at": "2024-01-06T09:00:00Z", "amount": 12.50, "currency": "GBP"}',
        '{"order_id": "o2", "customer_id": "c2", "ordered_at": "2024-01-06T10:00:00Z", "amount": "3", "currency": "GBP", "extra": true}',
      ].join("\n"),
    });
    const rows = await queryRows(json.connection, "SELECT order_id, customer_id, amount FROM orders ORDER BY order_id", "t");
    expect(rows).toEqual([
      {order_id: "12345678901234567890123", customer_id: "7", amount: 12.5},
      {order_id: "o2", customer_id: "c2", amount: 3},
    ]);
    expect(await queryRows(json.connection, "SELECT count(*) AS n FROM rejects", "t")).toEqual([{n: 0}]);
    closeDatabase(json);
  });

  it("reads naive timestamps in ingest.timeZone, not in UTC", async () => {
    const {db: tokyo} = await ingestFiles(
      {"orders.csv": "order_id,customer_id,ordered_at,amount,currency\no1,c1,2024-01-06 09:00,1,JPY\n"},
      {ingest: {timeZone: "Asia/Tokyo"}},
    );
    expect(await queryRows(tokyo.connection, "SELECT ordered_at FROM orders", "t")).toEqual([{ordered_at: "2024-01-06T00:00:00.000Z"}]);
    closeDatabase(tokyo);
  });

  it("changes nothing when the same drop is ingested twice", async () => {
    const {db: twice, dir} = await ingestFiles({"orders.csv": "order_id,customer_id,ordered_at,amount,currency\no1,c1,2024-01-06T09:00:00Z,1,USD\n"});
    const settings = parseSettings({});
    await ingest(twice.connection, dropAdapter, dir, settings, "2024-06-30");
    const counts = await queryRows(twice.connection, "SELECT (SELECT count(*) FROM orders) AS o, (SELECT count(*) FROM customers) AS c, (SELECT count(*) FROM rejects) AS r", "t");
    expect(counts).toEqual([{o: 1, c: 1, r: 0}]);
    closeDatabase(twice);
  });

  it("reads a comma decimal separator when configured", async () => {
    const {db: comma} = await ingestFiles(
      {"orders.csv": 'order_id,customer_id,ordered_at,amount,currency\no1,c1,2024-01-06T09:00:00Z,"1.234,50",EUR\n'},
      {ingest: {decimalSeparator: ","}},
    );
    expect(await queryRows(comma.connection, "SELECT amount FROM orders", "t")).toEqual([{amount: 1234.5}]);
    closeDatabase(comma);
  });

  it("stops naming the file and the column when a required column is missing", async () => {
    await expect(ingestFiles({"orders.csv": "order_id,customer_id,amount,currency\no1,c1,1,USD\n"})).rejects.toThrow(
      /orders\.csv has no column "ordered_at"/,
    );
  });
});

describe("TC-10: a UTF-8 BOM never becomes part of the first column name", () => {
  it("reads customer_id from a file that starts with EF BB BF", async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("customer_id,phone\nc1,+4915123456789\nc2,+4915123456780\n")]);
    const {db} = await ingestFiles({"customers.csv": bom});
    const rows = await queryRows(db.connection, "SELECT customer_id FROM customers ORDER BY 1", "t");
    expect(rows).toEqual([{customer_id: "c1"}, {customer_id: "c2"}]);
    closeDatabase(db);
  });
});

describe("TC-12: the same date text means the same date in every file of a store", () => {
  it("reads 03/04/2024 as 4 March in both weekly files of a month/day/year store", async () => {
    const db = await openDatabase(":memory:");
    await ingest(db.connection, dropAdapter, "test/fixtures/tc12", parseSettings({ingest: {dateOrder: "mdy"}}), "2024-06-30");
    const rows = await queryRows(db.connection, "SELECT order_id, strftime(ordered_at, '%Y-%m-%d') AS d FROM orders ORDER BY 1", "t");
    expect(rows).toEqual([
      {order_id: "A1", d: "2024-03-04"},
      {order_id: "A2", d: "2024-05-06"},
      {order_id: "A3", d: "2024-04-15"},
      {order_id: "A4", d: "2024-03-04"},
    ]);
    closeDatabase(db);
  });

  it("reads 03/04/2024 as 3 April for a day/month/year store, and rejects 04/15/2024", async () => {
    const db = await openDatabase(":memory:");
    await ingest(db.connection, dropAdapter, "test/fixtures/tc12", parseSettings({ingest: {dateOrder: "dmy"}}), "2024-06-30");
    const rows = await queryRows(db.connection, "SELECT order_id, strftime(ordered_at, '%Y-%m-%d') AS d FROM orders ORDER BY 1", "t");
    expect(rows).toEqual([
      {order_id: "A1", d: "2024-04-03"},
      {order_id: "A2", d: "2024-06-05"},
      {order_id: "A4", d: "2024-04-03"},
    ]);
    const rejects = await queryRows(db.connection, `SELECT file, line, value FROM rejects ORDER BY file, line`, "t");
    expect(rejects).toEqual([{file: "orders-week2.csv", line: 2, value: "04/15/2024"}]);
    closeDatabase(db);
  });
});

describe("ingest(drop folder) with malformed CSV lines", () => {
  it("rejects lines with too few or too many fields, naming the line, and numbers the rest right", async () => {
    const {db, report} = await ingestFiles({
      "orders.csv": [
        "order_id,customer_id,ordered_at,amount,currency",
        "o1,c1,2024-01-06T09:00:00Z,1,USD",
        "o2,c1,2024-01-06T09:00:00Z,1",
        "o3,c1,2024-01-06T09:00:00Z,1,USD,extra",
        "o4,c1,nope,1,USD",
      ].join("\n"),
    });
    const rejects = await queryRows(db.connection, "SELECT line, reason FROM rejects ORDER BY line", "t");
    expect(rejects.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(rejects[0]!.reason).toMatch(/^malformed CSV line: expected number of columns: 5 found: 4/);
    expect(report.files).toEqual([{file: "orders.csv", table: "orders", rows: 4}]);
    closeDatabase(db);
  });
});

describe("text cells: the fast path gives what trimming and unguarding every value gives", () => {
  it("agrees with the plain form on any mix of spaces, Unicode spaces, apostrophes and formula marks", async () => {
    const db = await openDatabase(":memory:");
    try {
      const pieces = [" ", "\u00a0", "\u2003", "\t", "\r", "\n", "'", "=", "+", "-", "@", "a", "Z", "9", "é", "中", "😀", ""];
      const cell = fc.oneof(fc.constant(null), fc.array(fc.constantFrom(...pieces), {maxLength: 6}).map((p) => p.join("")), fc.string());
      await fc.assert(
        fc.asyncProperty(fc.array(cell, {minLength: 1, maxLength: 40}), async (cells) => {
          const values = cells.map((c) => (c === null ? "NULL" : `'${c.replaceAll("'", "''")}'`)).join("), (");
          const rows = await queryRows<{fast: string | null; plain: string | null}>(
            db.connection,
            `SELECT ${cleanTextSql("v")} AS fast, regexp_replace(nullif(trim("v"), ''), '^''([=+@\\t\\r-])', '\\1') AS plain
             FROM (VALUES (${values})) t(v)`,
            "text cells",
          );
          for (const r of rows) expect(r.fast).toBe(r.plain);
        }),
        {numRuns: 300},
      );
    } finally {
      closeDatabase(db);
    }
  });
});
