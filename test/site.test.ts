import {execFileSync} from "node:child_process";
import {appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
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

// A handful of messages, so the activity heatmaps are sparse: a few hours of a few weekdays, one
// cell with a 100% reply rate. Written into the scratch copy of the drop; the fixture stays as is.
const MESSAGES = `message_id,customer_id,direction,sent_at,delivered_at,read_at,failed_at,text,campaign_id,category,error_code
m1,c1,out,2024-01-10T18:00:00Z,2024-01-10T18:00:05Z,2024-01-10T18:20:00Z,,New winter range is in,k1,marketing,
m2,c1,in,2024-01-10T18:30:00Z,,,,Do you have it in blue?,,,
m3,c2,out,2024-01-11T14:00:00Z,2024-01-11T14:00:05Z,2024-01-11T15:10:00Z,,New winter range is in,k1,marketing,
m4,c2,out,2024-01-18T09:00:00Z,2024-01-18T09:00:04Z,,,Your order has shipped,,utility,
m5,c1,out,2024-01-22T11:00:00Z,2024-01-22T11:00:03Z,2024-01-22T21:40:00Z,,Last days of the sale,k2,marketing,
`;

function build(folder = drop): void {
  execFileSync(process.execPath, [resolve("bin/tagbook.js"), "build", "--drop", folder, "--warehouse", warehouse], {
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
  writeFileSync(join(drop, "messages.csv"), MESSAGES);
  build();
  ({url, server} = await serveStatic(dist));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(scratch, {recursive: true, force: true});
});

interface Opened {
  /** The main column's visible text. */
  text: string;
  /** The same text without the contents of tables (table cells hold data, not page wording). */
  prose: string;
  /** Console errors, page errors and failed requests. */
  errors: string[];
  /** Layout faults found in the rendered page (see layoutProblems). */
  problems: string[];
  /** The line under the title ("Data as of …"). */
  asOf: string;
}

/** The page's visible text, every console error it logged, and its layout faults. */
async function open(page: string): Promise<Opened> {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  tab.on("pageerror", (e) => void errors.push(String(e)));
  tab.on("requestfailed", (r) => void errors.push(`request failed: ${r.url()}`));
  await tab.goto(`${url}/${page}.html`, {waitUntil: "networkidle"});
  await tab.waitForTimeout(300);
  const text = await tab.locator("main").innerText();
  const {prose, problems, asOf} = await tab.evaluate(layoutProblems);
  await tab.close();
  return {text, prose, errors, problems, asOf};
}

/**
 * Runs in the page. Finds what new users hit: table cells that cut their value, charts scaled
 * down below their drawn width (so every label shrinks), labels that run into each other or off
 * the chart, legend ticks like "100.000000", a function written into an SVG attribute as text
 * (a channel passed where Plot takes a constant), and colour cards not in their colour.
 */
function layoutProblems(): {prose: string; problems: string[]; asOf: string} {
  const problems: string[] = [];
  const main = document.querySelector("main")!;
  const box = (e: Element) => e.getBoundingClientRect();
  const overlap = (a: DOMRect, b: DOMRect, slack = 1) =>
    a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
  for (const cell of main.querySelectorAll("form td, form th")) {
    const c = cell as HTMLElement;
    if (c.scrollWidth > c.clientWidth + 1) problems.push(`table cell cut: "${c.textContent?.slice(0, 40)}"`);
  }
  for (const svg of main.querySelectorAll("svg[width]")) {
    const drawn = Number(svg.getAttribute("width"));
    const frame = box(svg);
    if (frame.width < drawn - 1) problems.push(`chart scaled from ${drawn} px to ${Math.round(frame.width)} px`);
    for (const el of svg.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames()) {
        if (/=>|function/.test(el.getAttribute(attr) ?? "")) problems.push(`a function as the SVG attribute ${attr}`);
      }
    }
    // An SVG clips what it draws outside its box, unless it says otherwise (Plot's legends do).
    const clips = getComputedStyle(svg).overflow !== "visible";
    for (const text of svg.querySelectorAll("text")) {
      const t = box(text);
      if (clips && t.width > 0 && (t.left < frame.left - 1 || t.right > frame.right + 1)) problems.push(`label cut at the chart's edge: "${text.textContent}"`);
      if (/\d\.\d{5,}/.test(text.textContent ?? "")) problems.push(`unformatted tick "${text.textContent}"`);
    }
    // The tick labels of one axis, and all the text marks of a chart (a chart may draw each
    // label as a mark of its own), must not print over each other.
    const groups: Element[][] = [...svg.querySelectorAll('g[aria-label$="tick label"]')].map((g) => [...g.querySelectorAll("text")]);
    groups.push([...svg.querySelectorAll('g[aria-label="text"] text')]);
    // An axis title must stay clear of its tick labels (rotated month labels ran into "Month").
    for (const axis of ["x", "y"]) {
      const title = svg.querySelector(`g[aria-label="${axis}-axis label"] text`);
      if (!title) continue;
      for (const tick of svg.querySelectorAll(`g[aria-label="${axis}-axis tick label"] text`)) {
        if (overlap(box(title), box(tick))) problems.push(`axis title "${title.textContent}" over tick "${tick.textContent}"`);
      }
    }
    for (const group of groups) {
      // Rotated labels have boxes that overlap although the letters do not: they are left out.
      const labels = group.filter((t) => !/rotate/.test(t.getAttribute("transform") ?? "") && !/rotate/.test(t.parentElement?.getAttribute("transform") ?? ""))
        .map((t) => ({t: t.textContent, b: box(t)})).filter((l) => l.b.width > 0);
      labels.forEach((a, i) => {
        for (const b of labels.slice(i + 1)) if (overlap(a.b, b.b)) problems.push(`labels overlap: "${a.t}" and "${b.t}"`);
      });
    }
  }
  // A legend is a separate small SVG (or a swatch list); its ticks must be formatted too.
  for (const legend of main.querySelectorAll("[class*='-ramp'] text, [class*='-swatches'] span")) {
    if (/\d\.\d{5,}/.test(legend.textContent ?? "")) problems.push(`unformatted legend tick "${legend.textContent}"`);
  }
  const named: Record<string, string> = {
    red: "rgb(214, 39, 40)", orange: "rgb(255, 127, 14)", yellow: "rgb(230, 194, 41)",
    "dark green": "rgb(26, 127, 55)", "light green": "rgb(143, 209, 158)", grey: "rgb(158, 158, 158)",
  };
  for (const card of main.querySelectorAll(".card")) {
    const label = card.querySelector("h2")?.textContent?.trim() ?? "";
    if (label in named && getComputedStyle(card).borderLeftColor !== named[label]) problems.push(`the ${label} card is not ${label}`);
  }
  const copy = main.cloneNode(true) as HTMLElement;
  for (const form of copy.querySelectorAll("form")) form.remove();
  document.body.append(copy);
  const prose = copy.innerText;
  copy.remove();
  return {prose, problems, asOf: main.querySelector(".as-of")?.textContent?.trim() ?? ""};
}

/** "1 customers", "(1 reads)": a count of one with a plural noun. */
const ONE_PLURAL = /(?<![\d.,])1 (customers|messages|reads|replies|rows|files|members|memberships|lists|products|baskets|events|rules|colours|reds|days|times|orders)\b/;

describe("the built site in headless Chromium", () => {
  it.each(PAGES)("renders %s with the as-of date and no console error", async (page) => {
    const {text, errors} = await open(page);
    expect(errors).toEqual([]);
    expect(text).toContain("2024-01-25");
    // A value the page failed to format shows up as a bare null, undefined or NaN, and an empty
    // string handed to display() as a literal "".
    expect(text).not.toMatch(/^(null|undefined|""|'')$|\bNaN\b/m);
  });

  it.each(PAGES)("lays out %s readably: no cut cell, shrunken chart, overlapping or clipped label, raw tick or grey colour card", async (page) => {
    const {problems} = await open(page);
    expect(problems).toEqual([]);
  });

  it.each(PAGES)("says %s's counts of one in the singular", async (page) => {
    const {prose} = await open(page);
    expect(prose).not.toMatch(ONE_PLURAL);
  });

  it("keeps every hour and weekday in a sparse activity heatmap, and names no thin cell as the best", async () => {
    const tab = await browser.newPage();
    await tab.goto(`${url}/activity.html`, {waitUntil: "networkidle"});
    await tab.waitForTimeout(300);
    // Each heatmap: 24 hour ticks and 7 weekday ticks, whatever hours the events fall in.
    const axes = await tab.evaluate(() => [...document.querySelectorAll("main svg")].filter((svg) => svg.querySelector('g[aria-label="cell"]'))
      .map((svg) => [svg.querySelectorAll('g[aria-label="x-axis tick label"] text').length, svg.querySelectorAll('g[aria-label="y-axis tick label"] text').length]));
    const text = await tab.locator("main").innerText();
    await tab.close();
    expect(axes.length).toBeGreaterThanOrEqual(2);
    for (const axis of axes) expect(axis).toEqual([24, 7]);
    expect(text).toMatch(/No cell has 30 messages sent yet/);
    expect(text).toMatch(/\(1 read\)/);
  });

  it("shows the drop's counts on the overview", async () => {
    const {text} = await open("index");
    expect(text).toMatch(/Customers\s+2\b/);
    expect(text).toMatch(/Paid orders\s+5\b/);
    expect(text).toContain("45.00 GBP");
  });

  it("shows rows read and rejected on the data-quality page", async () => {
    const {text} = await open("quality");
    expect(text).toMatch(/14 rows read from 3 files/);
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

  it("names the previous drop on every page once there is one, the data-quality page too", async () => {
    const later = join(scratch, "2024-02-01");
    cpSync(drop, later, {recursive: true});
    build(later);
    for (const page of PAGES) {
      const {asOf} = await open(page);
      expect(asOf, page).toBe("Data as of 2024-02-01 · previous drop 2024-01-25");
    }
  }, 300_000);
});

