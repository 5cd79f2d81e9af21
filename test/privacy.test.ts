import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {queryRows, type Database} from "../lib/duckdb.js";
import {parseSettings} from "../lib/settings/index.js";
import {customers} from "../loaders/customers.js";
import {downloads} from "../loaders/downloads.js";
import {followUp} from "../loaders/follow-up.js";
import {segmentsPage} from "../loaders/segments.js";
import {closeDatabase, warehouseFor} from "./helpers/warehouse.js";

// A WhatsApp-style drop: the customer ids are the customers' international numbers (as the
// webhook and chat adapters make them), with names; one customer compares prices, so is red.
const AS_OF = "2024-03-31";
const NUMBERS = ["447400111001", "447400111002", "971501234567"];
const NAMES = ["Amelia Jones", "Benedikt Kraus", "محمد العلي"];
const scratch = mkdtempSync(join(tmpdir(), "tagbook-privacy-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

function writeDrop(): string {
  const dir = mkdtempSync(join(scratch, "drop-"));
  writeFileSync(join(dir, "customers.csv"), ["customer_id,phone,name,opted_in",
    ...NUMBERS.map((n, i) => `${n},+${n},${NAMES[i]},yes`)].join("\n"));
  writeFileSync(join(dir, "orders.csv"), ["order_id,customer_id,ordered_at,amount,currency,status",
    `o1,${NUMBERS[0]},2024-03-10T10:00:00Z,40,GBP,paid`, `o2,${NUMBERS[1]},2024-02-01T10:00:00Z,90,GBP,paid`].join("\n"));
  writeFileSync(join(dir, "messages.csv"), ["message_id,customer_id,direction,sent_at,text",
    `m1,${NUMBERS[2]},in,2024-03-30T10:00:00Z,I want to compare prices first`,
    `m2,${NUMBERS[0]},in,2024-03-29T10:00:00Z,hello`].join("\n"));
  return dir;
}

describe("privacy: hosted pages never carry full numbers or names", () => {
  let db: Database;
  const settings = parseSettings({});
  beforeAll(async () => {
    db = await warehouseFor(writeDrop(), AS_OF, settings);
  });
  afterAll(() => closeDatabase(db));
  const context = () => ({connection: db.connection, asOf: AS_OF, previousAsOf: null, dropId: "", settings, log: () => {}});

  it("masks ids, names and numbers in the customers, follow-up and segments page data", async () => {
    const pages = {
      customers: await customers(context()),
      followUp: await followUp(context()),
      segments: await segmentsPage(context()),
    };
    const red = (pages.followUp as unknown as {reds: {customer_id: string; name: string}[]}).reds;
    expect(red).toHaveLength(1);
    expect(red[0]).toMatchObject({customer_id: "+•••••••••567", name: "م•••"});
    expect(red[0]).not.toHaveProperty("phone");
    for (const [page, data] of Object.entries(pages)) {
      const json = JSON.stringify(data);
      for (const n of NUMBERS) expect(json, `${page} holds ${n}`).not.toContain(n);
      for (const name of NAMES) expect(json, `${page} holds ${name}`).not.toContain(name);
    }
    // The tag reasons (country from the calling code) keep the last three digits only.
    expect(JSON.stringify(pages.customers)).toContain("of +•••••567");
  });

  it("keeps contacts in the red-list download unless settings leave them out of the site", async () => {
    const red = async (contactsInSite: boolean) => {
      const s = parseSettings({segments: {contactsInSite}});
      const download = downloads(s).find((d) => d.path === "follow-up-red.csv")!;
      const sql = await download.sql(db.connection, AS_OF, s);
      return queryRows(db.connection, sql!, "red download");
    };
    expect(await red(true)).toMatchObject([{customer_id: NUMBERS[2], name: NAMES[2], phone: `+${NUMBERS[2]}`}]);
    const without = await red(false);
    expect(without).toHaveLength(1);
    expect(Object.keys(without[0]!)).not.toContain("phone");
    expect(Object.keys(without[0]!)).not.toContain("name");
  });
});
