import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {queryRows} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {closeDatabase, reasonsOf, tagsOf, warehouseFor} from "./helpers/warehouse.js";

const scratch = mkdtempSync(join(tmpdir(), "tagbook-tags-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function drop(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(scratch, "drop-"));
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
  return dir;
}

describe("TC-05: several orders on one local day are one purchase day", () => {
  it("tags London returning with a 14-day gap and Dubai new, by local calendar date", async () => {
    const db = await warehouseFor("test/fixtures/tc05", "2024-01-25");
    expect(await tagsOf(db, "lifecycle")).toEqual({"+447400123456": "returning", "+971501234567": "new"});
    expect(await tagsOf(db, "frequency")).toEqual({"+447400123456": "monthly buyer", "+971501234567": "monthly buyer"});
    const facts = await queryRows(
      db.connection,
      `SELECT customer_id, purchase_days, strftime(last_purchase, '%Y-%m-%d') AS last, as_of - last_purchase AS days_since
       FROM customer_facts ORDER BY 1`,
      "t",
    );
    expect(facts).toEqual([
      {customer_id: "+447400123456", purchase_days: 2, last: "2024-01-20", days_since: 5},
      {customer_id: "+971501234567", purchase_days: 1, last: "2024-01-07", days_since: 18},
    ]);
    const reasons = await queryRows(db.connection, "SELECT reason FROM tag_snapshots WHERE family = 'frequency' ORDER BY customer_id", "t");
    expect(reasons[0]!.reason).toMatch(/^2 purchase days in the last 12 months, mean gap 14(\.0)? days/);
    closeDatabase(db);
  });
});

describe("TC-06: day counts across a DST change are whole local calendar days", () => {
  const berlin = ["customer_id,phone", "a,+4915123456781", "b,+4915123456782", "c,+4915123456783"];
  const orders = [
    "order_id,customer_id,ordered_at,amount,currency",
    "oa,a,2024-10-15T00:00:00Z,10,EUR",
    "ob,b,2024-03-14T23:00:00Z,10,EUR",
    "oc,c,2024-03-15T23:30:00Z,10,EUR",
  ];

  it("(a) 31 days across the autumn change is dormant", async () => {
    const db = await warehouseFor(drop({"customers.csv": berlin, "orders.csv": orders.slice(0, 2)}), "2024-11-15");
    // Every customer has a stage: b and c have no order in this drop, so they are prospects.
    expect(await tagsOf(db, "lifecycle")).toEqual({a: "dormant", b: "prospect", c: "prospect"});
    expect((await reasonsOf(db, "lifecycle")).b).toBe("no purchase yet; last interaction never");
    const [row] = await queryRows(db.connection, "SELECT reason FROM tag_snapshots WHERE family = 'lifecycle' AND customer_id = 'a'", "t");
    expect(row!.reason).toBe("31 days since last interaction (order) on 2024-10-15 (dormant from 30 days)");
    closeDatabase(db);
  });

  it("(b) exactly 30 days across the spring change is dormant, (c) 29 days is not", async () => {
    const db = await warehouseFor(drop({"customers.csv": berlin, "orders.csv": [orders[0]!, ...orders.slice(2)]}), "2024-04-14");
    expect(await tagsOf(db, "lifecycle")).toEqual({a: "prospect", b: "dormant", c: "new"});
    closeDatabase(db);
  });

  it("moves the boundary with the dormantDays setting", async () => {
    const settings = parseSettings({tags: {lifecycle: {dormantDays: 31}}});
    const db = await warehouseFor(drop({"customers.csv": berlin, "orders.csv": [orders[0]!, ...orders.slice(2)]}), "2024-04-14", settings);
    expect(await tagsOf(db, "lifecycle")).toEqual({a: "prospect", b: "new", c: "new"});
    closeDatabase(db);
  });
});

describe("interaction: reading is judged on delivered messages only", () => {
  it("does not call a customer 'reads only' or 'unread' when nothing was known to arrive", async () => {
    const db = await warehouseFor(drop({
      "customers.csv": ["customer_id,phone", "f,+6581230001", "n,+6581230002", "r,+6581230003"],
      "messages.csv": [
        "message_id,customer_id,direction,sent_at,delivered_at,read_at,failed_at",
        // f: both messages failed; n: an export without any status; r: read, no delivered status kept.
        "f1,f,out,2024-05-20T02:00:00Z,,,2024-05-20T02:00:09Z", "f2,f,out,2024-05-21T02:00:00Z,,,2024-05-21T02:00:09Z",
        "n1,n,out,2024-05-20T02:00:00Z,,,",
        "r1,r,out,2024-05-20T02:00:00Z,,2024-05-20T05:00:00Z,",
      ],
    }), "2024-05-31");
    expect(await tagsOf(db, "interaction")).toEqual({
      f: "not reached + silent 30 days",
      n: "not reached + silent 30 days",
      r: "reads only + silent 30 days",
    });
    const [reason] = await queryRows(db.connection,
      "SELECT reason FROM tag_snapshots WHERE customer_id = 'f' AND tag = 'not reached'", "t");
    expect(reason!.reason).toBe("0 of 2 messages in 90 days answered, none known to be delivered (no delivered or read status) (replies often ≥ 20%, reads ≥ 50%)");
    closeDatabase(db);
  });
});

describe("trigger: priority follow-up on a surge of interactions", () => {
  it("fires at 3 interactions in 7 days and 3× the weekly mean of the 8 weeks before, not below", async () => {
    // As of 2024-05-31 (Singapore, +08:00): "recent" is local 05-25..05-31, "before" 03-29..05-24.
    const msg = (id: string, who: string, day: string) => `${id},${who},in,${day}T04:00:00Z`;
    const before = (who: string, n: number) => Array.from({length: n}, (_, i) => msg(`${who}b${i}`, who, `2024-04-${String(i + 1).padStart(2, "0")}`));
    const recent = (who: string, n: number) => Array.from({length: n}, (_, i) => msg(`${who}r${i}`, who, `2024-05-${27 + i}`));
    const db = await warehouseFor(drop({
      "customers.csv": ["customer_id,phone", "s,+6581230011", "t,+6581230012", "u,+6581230013", "v,+6581230014"],
      "messages.csv": ["message_id,customer_id,direction,sent_at",
        ...recent("s", 3), ...before("t", 8), ...recent("t", 3), ...before("u", 9), ...recent("u", 3), ...recent("v", 2)],
    }), "2024-05-31");
    const rows = await queryRows(db.connection,
      "SELECT customer_id, reason FROM tag_snapshots WHERE family = 'trigger' AND tag = 'priority follow-up' ORDER BY 1", "t");
    // s: 3 against 0 a week; t: 3 against 8/8 = 1 a week (exactly 3×); u: 9/8 a week needs 3.375; v: only 2.
    expect(rows).toEqual([
      {customer_id: "s", reason: "3 interactions in the last 7 days against 0.0 a week in the 8 weeks before (×3 or more)"},
      {customer_id: "t", reason: "3 interactions in the last 7 days against 1.0 a week in the 8 weeks before (×3 or more)"},
    ]);
    closeDatabase(db);
  });
});

describe("TC-13: shared calling codes resolve to the right country", () => {
  it("tells US, CA, JM, PR, KZ and RU apart by the whole number", async () => {
    const db = await warehouseFor("test/fixtures/tc13", "2024-06-01");
    expect(await tagsOf(db, "country")).toEqual({us: "US", ca: "CA", jm: "JM", pr: "PR", kz: "KZ", ru: "RU"});
    const zones = await tagsOf(db, "time zone");
    expect(zones.jm).toBe("America/Jamaica");
    expect(zones.us).toBe("America/New_York"); // area code 201 lies in one zone
    expect(zones.kz).toBe("unknown"); // the prefix spans two zones: never a silent guess
    closeDatabase(db);
  });
});

describe("computeTags(connection, asOf, settings): families on a hand-made drop", () => {
  const files = {
    "customers.csv": [
      "customer_id,phone,language,source,time_zone",
      "m,+6581234567,,website,",
      "q,+6581234568,de/en,ads,",
      "y,+6581234569,,,Mars/Olympus",
      "lead,+6581234560,,,",
    ],
    "orders.csv": [
      "order_id,customer_id,ordered_at,amount,currency,status",
      "m1,m,2024-04-01T02:00:00Z,100,CNY,paid",
      "m2,m,2024-05-01T02:00:00Z,600,CNY,paid",
      "m3,m,2024-05-29T02:00:00Z,2600,CNY,paid",
      "q1,q,2024-01-01T02:00:00Z,3000,CNY,paid",
      "q2,q,2024-05-01T02:00:00Z,2500,CNY,paid",
      "q3,q,2024-05-02T02:00:00Z,9999,CNY,cancelled",
      "y1,y,2023-07-01T02:00:00Z,50,CNY,paid",
    ],
    "messages.csv": [
      "message_id,customer_id,direction,sent_at,delivered_at,read_at,text",
      "o1,m,out,2024-05-20T02:00:00Z,2024-05-20T02:00:05Z,2024-05-20T03:00:00Z,",
      "i1,m,in,2024-05-20T04:00:00Z,,,do you have a 20000mAh power bank?",
      "o2,q,out,2024-05-20T02:00:00Z,2024-05-20T02:00:05Z,2024-05-20T05:00:00Z,",
      "o3,y,out,2024-05-20T02:00:00Z,2024-05-20T02:00:05Z,,",
      "i2,lead,in,2024-05-30T04:00:00Z,,,\"Hola, quiero comparar el precio por favor\"",
    ],
  };
  const asOf = "2024-05-31";

  it("gives each family's tag with the playbook's default thresholds", async () => {
    const db = await warehouseFor(drop(files), asOf);
    // m: days 04-01, 05-01, 05-29 → mean gap 29 → monthly; q: 01-01, 05-01 → 121 → yearly.
    expect(await tagsOf(db, "frequency")).toEqual({m: "monthly buyer", q: "yearly buyer", y: "yearly buyer"});
    // Mean order value: m (100+600+2600)/3 = 1100 → mid; q 2750 → high (cancelled q3 ignored); y 50 → low.
    expect(await tagsOf(db, "order value")).toEqual({m: "mid spender", q: "high spender", y: "low spender"});
    // q last ordered on 05-01 and has only read since: reading is not an interaction, so 30 days → dormant.
    expect(await tagsOf(db, "lifecycle")).toEqual({m: "returning", q: "dormant", y: "dormant", lead: "prospect"});
    expect(await tagsOf(db, "interaction")).toEqual({
      // m wrote 11 days before the as-of date: answered, but not active in the last 7 days.
      m: "replies often",
      // q and y never wrote, so they are silent; y never read either.
      q: "reads only + silent 30 days",
      y: "does not read + silent 30 days + unread 90 days",
      lead: "active 7 days",
    });
    expect(await tagsOf(db, "source")).toEqual({m: "website", q: "ads", y: "unknown", lead: "unknown"});
    expect(await tagsOf(db, "language")).toEqual({m: "EN", q: "DE/EN", y: "unknown", lead: "ES"});
    expect(await tagsOf(db, "time zone")).toEqual({
      m: "Asia/Singapore",
      q: "Asia/Singapore",
      y: "unknown",
      lead: "Asia/Singapore",
    });
    const interests = await tagsOf(db, "interest");
    expect(interests.m).toBe("electronics + high capacity");
    closeDatabase(db);
  });

  it("explains a tag with its rule and values", async () => {
    const db = await warehouseFor(drop(files), asOf);
    const rows = await queryRows(
      db.connection,
      "SELECT family, reason FROM tag_snapshots WHERE customer_id = 'y' AND family IN ('lifecycle', 'time zone') ORDER BY 1",
      "t",
    );
    expect(rows).toEqual([
      {
        family: "lifecycle",
        reason: "335 days since last interaction (order) on 2023-07-01 (dormant from 30 days) (shop time zone: customer zone unknown)",
      },
      {family: "time zone", reason: 'unknown: time_zone column "Mars/Olympus" is not an IANA zone'},
    ]);
    closeDatabase(db);
  });
});
