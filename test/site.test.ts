import {execFileSync} from "node:child_process";
import {appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import type {Server} from "node:http";
import type {Browser} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {launchChromium, serveStatic} from "./helpers/browser.js";

// Builds the real site from a small fixture drop with the real CLI, serves dist/ on loopback and
// opens every page in headless Chromium. Slow (two full builds), so it lives in one file.
const scratch = mkdtempSync(join(tmpdir(), "tagbook-site-"));
const drop = join(scratch, "2024-01-25");
const warehouse = join(scratch, "warehouse.duckdb");
const dist = join(scratch, "dist");
const PAGES = ["index", "customers", "spend", "activity", "products", "follow-up", "segments", "quality", "rules"];

function build(): void {
  execFileSync(process.execPath, [resolve("bin/tagbook.js"), "build", "--drop", drop, "--warehouse", warehouse], {
    env: {...process.env, TAGBOOK_DIST: dist},
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 300_000,
  });
}

let browser: Browser;
let server: Server;
let url: string;

beforeAll(async () => {
  cpSync("test/fixtures/drop-small", drop, {recursive: true});
  build();
  ({url, server} = await serveStatic(dist));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(scratch, {recursive: true, force: true});
});

/** The page's visible text and every console error it logged. */
async function open(page: string): Promise<{text: string; errors: string[]}> {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  tab.on("pageerror", (e) => void errors.push(String(e)));
  tab.on("requestfailed", (r) => void errors.push(`request failed: ${r.url()}`));
  await tab.goto(`${url}/${page}.html`, {waitUntil: "networkidle"});
  await tab.waitForTimeout(300);
  const text = await tab.locator("main").innerText();
  await tab.close();
  return {text, errors};
}

describe("the built site in headless Chromium", () => {
  it.each(PAGES)("renders %s with the as-of date and no console error", async (page) => {
    const {text, errors} = await open(page);
    expect(errors).toEqual([]);
    expect(text).toContain("2024-01-25");
    // A value the page failed to format shows up as a bare null, undefined or NaN, and an empty
    // string handed to display() as a literal "".
    expect(text).not.toMatch(/^(null|undefined|""|'')$|\bNaN\b/m);
  });

  it("shows the drop's counts on the overview", async () => {
    const {text} = await open("index");
    expect(text).toMatch(/Customers\s+2\b/);
    expect(text).toMatch(/Paid orders\s+5\b/);
    expect(text).toContain("45.00 GBP");
  });

  it("shows rows read and rejected on the data-quality page", async () => {
    const {text} = await open("quality");
    expect(text).toMatch(/9 rows read from 2 files/);
    expect(text).toMatch(/2 set aside/);
    expect(text).toContain("12,50");
  });

  it("TC-19: a changed drop changes the rebuilt page, without touching any loader", async () => {
    appendFileSync(join(drop, "orders.csv"), "o9,c4,2024-01-08T10:00:00Z,7.00,GBP,paid\n");
    build();
    const {text} = await open("index");
    expect(text).toMatch(/Customers\s+3\b/);
    expect(text).toMatch(/Paid orders\s+6\b/);
    expect(readFileSync(join(dist, "index.html"), "utf8")).toContain("Overview");
  }, 300_000);
});

