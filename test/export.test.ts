import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {Writable} from "node:stream";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {closeDatabase, openDatabase, queryRows, type Database} from "../lib/duckdb.js";
import {writeQuery, writeQueryTo} from "../lib/export.js";
import {dropAdapter, ingest} from "../lib/ingest.js";
import {parseSettings} from "../lib/settings/index.js";

let db: Database;
let dir: string;
beforeAll(async () => {
  db = await openDatabase(":memory:");
  dir = mkdtempSync(join(tmpdir(), "tagbook-export-test-"));
});
afterAll(() => {
  closeDatabase(db);
  rmSync(dir, {recursive: true, force: true});
});

/** A sink that keeps every chunk it is given, to see how the bytes arrived. */
function collector() {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return {sink, chunks};
}

describe("CSV bytes", () => {
  it("quotes as RFC 4180, neutralises formula-like text and leaves numbers alone", async () => {
    const file = join(dir, "cells.csv");
    await writeQuery(
      db.connection,
      `SELECT * FROM (VALUES
         (1, '=SUM(A1)', 'a,b', -5, 'say "hi"'),
         (2, '+44 1', '-x', 2.5, 'l1' || chr(10) || 'l2'),
         (3, '@me', chr(9) || 't', 0, chr(13) || 'r'),
         (4, '', NULL, NULL, 'plain')) t(id, a, b, n, c)`,
      file,
      "test",
    );
    const expected =
      "\uFEFFid,a,b,n,c\n" +
      "1,'=SUM(A1),\"a,b\",-5.0,\"say \"\"hi\"\"\"\n" +
      "2,'+44 1,'-x,2.5,\"l1\nl2\"\n" +
      "3,'@me,'\tt,0.0,\"'\rr\"\n" +
      '4,"",,,plain\n';
    expect(readFileSync(file).equals(Buffer.from(expected, "utf8"))).toBe(true);
  });

  it("writes exactly one BOM at byte 0 when the file arrives in many chunks", async () => {
    const {sink, chunks} = collector();
    const rows = await writeQueryTo(
      db.connection,
      "SELECT i AS n, 'row ' || i AS label FROM range(200000) t(i)",
      "csv",
      sink,
      "test",
    );
    expect(rows).toBe(200000);
    expect(chunks.length).toBeGreaterThan(2);
    const bytes = Buffer.concat(chunks);
    expect([...bytes.subarray(0, 5)]).toEqual([0xef, 0xbb, 0xbf, 0x6e, 0x2c]);
    expect(bytes.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 1)).toBe(-1);
    const text = bytes.toString("utf8");
    expect(text.split("\n").length).toBe(200002);
  });

  it("writes Parquet with numbers as numbers and text untouched", async () => {
    const file = join(dir, "cells.parquet");
    await writeQuery(db.connection, "SELECT 7 AS n, '=x' AS s", file, "test");
    expect(await queryRows(db.connection, `SELECT n, s FROM read_parquet('${file}')`, "test")).toEqual([
      {n: 7, s: "=x"},
    ]);
  });

  it("names an unknown extension", async () => {
    await expect(writeQuery(db.connection, "SELECT 1", join(dir, "x.xlsx"), "test")).rejects.toThrow(
      'unknown extension ".xlsx"',
    );
  });
});

describe("TC-17: exported CSV opens in Excel with Arabic intact", () => {
  it("starts with the BOM, stores the name as UTF-8 and reads back through the importer", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tagbook-tc17-"));
    try {
      const file = join(folder, "customers-segment.csv");
      await writeQuery(
        db.connection,
        "SELECT 'c7' AS customer_id, 'محمد' AS name, 2 AS tier",
        file,
        "test",
      );
      const bytes = readFileSync(file);
      expect([...bytes.subarray(0, 6)]).toEqual([0xef, 0xbb, 0xbf, 0x63, 0x75, 0x73]);
      expect(bytes.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 1)).toBe(-1);
      expect(bytes.indexOf(Buffer.from([0xd9, 0x85, 0xd8, 0xad, 0xd9, 0x85, 0xd8, 0xaf]))).toBeGreaterThan(0);

      const back = await openDatabase(":memory:");
      try {
        await ingest(back.connection, dropAdapter, folder, parseSettings({}), "2024-01-25");
        const columns = await queryRows<{column_name: string}>(
          back.connection,
          `DESCRIBE SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`,
          "test",
        );
        expect(columns[0]?.column_name).toBe("customer_id");
        expect(await queryRows(back.connection, "SELECT customer_id, name FROM customers", "test")).toEqual([
          {customer_id: "c7", name: "محمد"},
        ]);
      } finally {
        closeDatabase(back);
      }
    } finally {
      rmSync(folder, {recursive: true, force: true});
    }
  });
});
