import {spawnSync} from "node:child_process";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {adapterFor} from "../lib/adapters/index.js";
import {closeDatabase, openDatabase, sqlString, type Database} from "../lib/duckdb.js";
import {ingest} from "../lib/ingest.js";
import {mineRules} from "../lib/products/mine.js";
import {parseSettings} from "../lib/settings/index.js";
import {computeTags} from "../lib/tags/index.js";
import {ensureSchema} from "../lib/warehouse.js";
import {diffAnswers, tagbookAnswers, writePeerInputs} from "../bench/inputs.js";
import {runTypedPeer, type PeerParams, type PeerResult} from "../bench/peer-typed.js";
import {diffRules, referenceRules, tagbookRules} from "../bench/rules.js";

// A hand-made drop as of 2024-04-30. a1 lives in Adelaide, whose clocks went back from +10:30 to
// +9:30 at 16:30 UTC on 6 April 2024 (03:00 local on Sunday 7 April); s1 and s2 in Shanghai (+8).
const AS_OF = "2024-04-30";
const DROP = {
  "customers.csv": `customer_id,phone,country,time_zone
a1,+61881234567,AU,Australia/Adelaide
s1,+8613812345678,CN,Asia/Shanghai
s2,+8613912345678,CN,Asia/Shanghai
s3,+8613712345678,CN,Asia/Shanghai
`,
  // a1: 02:50 (+10:30) and 10:30 local → two purchase days 13 days apart (monthly, returning).
  // s1: 01:00 on 1 Jan local, 120 days before the as-of date (yearly, dormant); a refund of 10.
  "orders.csv": `order_id,customer_id,ordered_at,amount,currency,status
o1,a1,2024-04-06T16:20:00Z,30.00,CNY,paid
o2,a1,2024-04-20T01:00:00Z,12.50,CNY,paid
o3,s1,2023-12-31T17:00:00Z,100.00,CNY,paid
o4,s1,2024-01-05T03:00:00Z,10.00,CNY,refunded
`,
  // a1 reads ours at 02:15 and answers at 02:30 local (+9:30 by then), Sunday: replies often.
  // s2 gets one delivered message, never reads it, never writes: does not read, silent, unread.
  // s3's one message has no status at all: not reached (and silent), but not "unread".
  "messages.csv": `message_id,customer_id,direction,sent_at,delivered_at,read_at
m1,a1,out,2024-04-06T16:40:00Z,2024-04-06T16:40:05Z,2024-04-06T16:45:00Z
m2,a1,in,2024-04-06T17:00:00Z,,
m3,s2,out,2024-04-25T02:00:00Z,2024-04-25T02:00:05Z,
m4,s3,out,2024-04-25T02:00:00Z,,
`,
};

const EXPECTED: PeerResult = {
  tags: {
    "frequency: monthly buyer": 1,
    "frequency: yearly buyer": 1,
    "lifecycle: returning": 1,
    "lifecycle: dormant": 1,
    "lifecycle: prospect": 2,
    "interaction: replies often": 1,
    "interaction: does not read": 1,
    "interaction: not reached": 1,
    "interaction: silent 30 days": 2,
    "interaction: unread 90 days": 1,
  },
  // kind × 1000 + ISO weekday × 100 + hour: a1's reply (1) and read (2), Sunday 02:xx local.
  cells: {"1702": 1, "2702": 1},
  customerCells: 1,
  // a1 30.00 + 12.50; s1 100.00 − 10.00.
  spend: {customers: 2, cents: 13250},
};

const settings = parseSettings({});
const params: PeerParams = {
  windowMonths: 12, monthlyMaxGapDays: 31, quarterlyMaxGapDays: 92, windowDays: 90, lookbackDays: 365,
  unreadDays: 90, repliesOftenRate: 0.2, readsRate: 0.5, activeDays: 7, silentDays: 30, dormantDays: 30,
};

let dir: string;
let db: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tagbook-bench-test-"));
  for (const [name, text] of Object.entries(DROP)) writeFileSync(join(dir, name), text);
  db = await openDatabase(join(dir, "wh.duckdb"));
  await ensureSchema(db.connection);
  await ingest(db.connection, adapterFor("drop"), dir, settings, AS_OF);
  await computeTags(db.connection, AS_OF, settings);
  await writePeerInputs(db.connection, dir, AS_OF, settings);
}, 60_000);

afterAll(() => {
  if (db) closeDatabase(db);
  rmSync(dir, {recursive: true, force: true});
});

describe("bench peers agree with tagbook on a hand-worked drop", () => {
  it("the offset table splits Adelaide's hour at the half-hour change", async () => {
    const hour = Date.UTC(2024, 3, 6, 16) / 3_600_000;
    const rows = (await db.connection.runAndReadAll(
      `SELECT off0, off1, switch_s FROM read_parquet(${sqlString(join(dir, "offsets.parquet"))})
       WHERE zone = 'Australia/Adelaide' AND utc_hour IN (${hour - 1}, ${hour}, ${hour + 1}) ORDER BY utc_hour`,
    )).getRowsJS();
    expect(rows).toEqual([[37800, 37800, 3600], [37800, 34200, 1800], [34200, 34200, 3600]]);
  });

  it("tagbook's tags, cells and spend are the hand-worked ones", async () => {
    const answers = await tagbookAnswers(db.connection, AS_OF, true);
    expect(answers).toEqual(EXPECTED);
  });

  it("the typed-array peer gives the same answers", async () => {
    const scratch = await openDatabase(":memory:");
    try {
      const run = await runTypedPeer(
        scratch.connection,
        (t) => `read_csv(${sqlString(join(dir, `${t}.csv`))}, header = true, all_varchar = true)`,
        join(dir, "zones.parquet"), join(dir, "offsets.parquet"), AS_OF, join(dir, "typed.csv"), params,
      );
      expect(run.result).toEqual(EXPECTED);
      expect(diffAnswers(run.result, EXPECTED)).toEqual([]);
    } finally {
      closeDatabase(scratch);
    }
  });

  it("the pandas peer gives the same answers", () => {
    const out = spawnSync("/usr/bin/python3", [
      "bench/peer_pandas.py", dir, join(dir, "zones.csv"), join(dir, "offsets.csv"), AS_OF, join(dir, "pandas.csv"),
      JSON.stringify(params),
    ], {encoding: "utf8"});
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout).result).toEqual(EXPECTED);
  });

  it("a changed answer is reported", () => {
    const changed = {...EXPECTED, tags: {...EXPECTED.tags, "lifecycle: dormant": 2}};
    expect(diffAnswers(EXPECTED, changed)).toEqual(["tags lifecycle: dormant: 1 against 2"]);
  });
});

describe("rules: tagbook against node-fpgrowth on five baskets", () => {
  it("gives the same rules with hand-worked metrics", async () => {
    // Baskets {A,B} {A,B} {A,C} {B,C} {A,B,C}: A 4, B 4, C 3, AB 3, AC 2, BC 2, ABC 1 of N = 5.
    await db.connection.run(`CREATE OR REPLACE TEMP TABLE product_lines AS
      SELECT * FROM (VALUES ('1','c','A','A'), ('1','c','B','B'), ('2','c','A','A'), ('2','c','B','B'),
        ('3','c','A','A'), ('3','c','C','C'), ('4','c','B','B'), ('4','c','C','C'),
        ('5','c','A','A'), ('5','c','B','B'), ('5','c','C','C')) t(order_id, customer_id, item, label)`);
    const n = await mineRules(db.connection, {minSupport: 0.4, minCount: 2, minConfidence: 0.6, maxItemsetSize: 3});
    expect(n).toBe(5);
    const mine = await tagbookRules(db.connection);
    const baskets = {transactions: [[0, 1], [0, 1], [0, 2], [1, 2], [0, 1, 2]], items: ["A", "B", "C"]};
    const reference = await referenceRules(baskets, 2, 0.6);
    expect(diffRules(mine, reference.rules)).toEqual([]);
    // A → B and B → A: 3 / 4 = 0.75, lift 0.75 / 0.8; C → A and C → B: 2 / 3, lift (2/3) / 0.8.
    const shown = mine.map((r) => `${r.antecedent.join("+")}>${r.consequent} ${r.count}/${r.antecedentCount} ${r.lift.toFixed(4)}`).sort();
    expect(shown).toEqual(["A>B 3/4 0.9375", "B>A 3/4 0.9375", "C>A 2/3 0.8333", "C>B 2/3 0.8333"]);
  });

  it("reports a rule whose count differs", () => {
    const rule = {antecedent: ["A"], consequent: "B", count: 3, antecedentCount: 4, consequentCount: 4, support: 0.6, confidence: 0.75, lift: 0.9375};
    expect(diffRules([rule], [{...rule, count: 2}])).toEqual(["A → B: count 3 against 2"]);
  });
});
