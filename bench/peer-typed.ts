import {writeFileSync} from "node:fs";
import type {DuckDBConnection} from "@duckdb/node-api";
import {sqlString} from "../lib/duckdb.js";

/** The tagging parameters the peers use, taken from tagbook's settings so both agree. */
export interface PeerParams {
  windowMonths: number;
  monthlyMaxGapDays: number;
  quarterlyMaxGapDays: number;
  windowDays: number;
  /** Activity cells cover local days (asOf - lookbackDays, asOf]. */
  lookbackDays: number;
  unreadDays: number;
  repliesOftenRate: number;
  readsRate: number;
  activeDays: number;
  silentDays: number;
  dormantDays: number;
}

/** The answers every contender gives, compared before any timing counts. */
export interface PeerResult {
  /** "family: tag" → customers. */
  tags: Record<string, number>;
  /** kind × 1000 + ISO weekday × 100 + local hour → events (kind 1: customer message, 2: read). */
  cells: Record<string, number>;
  /** Distinct (customer, weekday, hour) cells with at least one event of either kind. */
  customerCells: number;
  /** 12-month net spend: customers with a non-zero sum, and the sum in cents. */
  spend: {customers: number; cents: number};
}

export interface PeerRun {
  load: number;
  compute: number;
  write: number;
  rows: number;
  result: PeerResult;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Days since 1970-01-01 of a "YYYY-MM-DD" date, minus `months` months (clamped to month end). */
export function dayNumber(date: string, months = 0): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const monthEnd = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, monthEnd)) / DAY_MS;
}

/**
 * Each zone's UTC offsets hour by hour, read from the offset file the bench writes from DuckDB's
 * time-zone rules (zone, utc_hour, off0, off1, switch_s: the offset in seconds before and after
 * `switch_s` seconds into the hour; 3600 when it holds all hour). Every contender uses the same
 * rules: Node's and Debian's tz databases (2025c, 2025b) predate the one DuckDB ships, and disagree
 * with it for America/Vancouver and America/Edmonton from 2026-11-01.
 */
export interface OffsetTable {
  firstHour: number;
  hours: number;
  zones: Map<string, number>;
  off0: Int32Array;
  off1: Int32Array;
  switchS: Int32Array;
}

async function readOffsets(connection: DuckDBConnection, file: string): Promise<OffsetTable> {
  const rows = (await connection.runAndReadAll(
    `SELECT zone, min(utc_hour), max(utc_hour) FROM read_parquet(${sqlString(file)}) GROUP BY zone ORDER BY zone`,
  )).getRows();
  const zones = new Map(rows.map((r, i) => [String(r[0]), i]));
  const firstHour = Math.min(...rows.map((r) => Number(r[1])));
  const hours = Math.max(...rows.map((r) => Number(r[2]))) - firstHour + 1;
  const [z, h, a, b, w] = await columns<[Int32Array, Int32Array, Int32Array, Int32Array, Int32Array]>(
    connection,
    `SELECT CAST(dense_rank() OVER (ORDER BY zone) - 1 AS INTEGER), CAST(utc_hour - ${firstHour} AS INTEGER),
            CAST(off0 AS INTEGER), CAST(off1 AS INTEGER), CAST(switch_s AS INTEGER)
     FROM read_parquet(${sqlString(file)})`,
    [(n) => new Int32Array(n), (n) => new Int32Array(n), (n) => new Int32Array(n), (n) => new Int32Array(n), (n) => new Int32Array(n)],
  );
  const size = zones.size * hours;
  const table = {firstHour, hours, zones, off0: new Int32Array(size), off1: new Int32Array(size), switchS: new Int32Array(size)};
  for (let i = 0; i < z.length; i++) {
    const at = z[i]! * hours + h[i]!;
    table.off0[at] = a[i]!;
    table.off1[at] = b[i]!;
    table.switchS[at] = w[i]!;
  }
  return table;
}

type Typed = Int32Array | Float64Array | Uint8Array;

/** Columns of a query copied chunk by chunk into typed arrays (no row objects, no text). */
async function columns<T extends Typed[]>(
  connection: DuckDBConnection,
  sql: string,
  make: ((n: number) => Typed)[],
): Promise<T> {
  const result = await connection.run(sql);
  const chunks = [];
  let n = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    chunks.push(chunk);
    n += chunk.rowCount;
  }
  const out = make.map((f) => f(n));
  let at = 0;
  for (const chunk of chunks) {
    for (let c = 0; c < out.length; c++) {
      const vector = chunk.getColumnVector(c) as unknown as {items?: Typed; getItem(i: number): unknown};
      if (vector.items && vector.items.length >= chunk.rowCount) {
        out[c]!.set(vector.items.subarray(0, chunk.rowCount), at);
      } else {
        for (let i = 0; i < chunk.rowCount; i++) out[c]![at + i] = Number(vector.getItem(i));
      }
    }
    at += chunk.rowCount;
  }
  return out as T;
}

/** Rows grouped by customer (a counting sort): start offsets and the row order. */
function groupBy(customer: Int32Array, customers: number): {start: Int32Array; order: Int32Array} {
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < customer.length; i++) start[customer[i]! + 1]!++;
  for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, customers);
  const order = new Int32Array(customer.length);
  for (let i = 0; i < customer.length; i++) order[fill[customer[i]!]!++] = i;
  return {start, order};
}

/**
 * The typed-array peer: the same tagging work as a plain TypeScript pass. DuckDB only reads the
 * drop's files (`source` gives a table's reader SQL) and turns customer ids into row numbers of
 * the zone table (Parquet, written by the bench from tagbook's basics); every date, window,
 * gap, reply and cell is computed here over Int32/Float64 arrays.
 */
export async function runTypedPeer(
  connection: DuckDBConnection,
  source: (table: "orders" | "messages") => string,
  zonesFile: string,
  offsetsFile: string,
  asOf: string,
  outFile: string,
  p: PeerParams,
): Promise<PeerRun> {
  const t0 = performance.now();
  const zoneRows = (await connection.runAndReadAll(
    `SELECT customer_id, zone, zone_unknown FROM read_parquet(${sqlString(zonesFile)}) ORDER BY customer_id`,
  )).getRows() as [string, string, boolean][];
  const zoneKnown = Uint8Array.from(zoneRows, (r) => (r[2] ? 0 : 1));
  const ids = zoneRows.map((r) => r[0]);
  const offsets = await readOffsets(connection, offsetsFile);
  const zoneOf = Int32Array.from(zoneRows, (r) => {
    const z = offsets.zones.get(r[1]);
    if (z === undefined) throw new Error(`typed peer: zone "${r[1]}" is missing from ${offsetsFile}`);
    return z;
  });
  const idx = `(SELECT customer_id, row_number() OVER (ORDER BY customer_id) - 1 AS i
                FROM read_parquet(${sqlString(zonesFile)}))`;
  const [oc, oms, oamt, ost] = await columns<[Int32Array, Float64Array, Float64Array, Uint8Array]>(
    connection,
    `SELECT CAST(z.i AS INTEGER), CAST(epoch_ms(CAST(o.ordered_at AS TIMESTAMPTZ)) AS DOUBLE),
            CAST(o.amount AS DOUBLE),
            CAST(CASE o.status WHEN 'paid' THEN 1 WHEN 'refunded' THEN 2 ELSE 0 END AS UTINYINT)
     FROM ${source("orders")} o JOIN ${idx} z USING (customer_id)`,
    [(n) => new Int32Array(n), (n) => new Float64Array(n), (n) => new Float64Array(n), (n) => new Uint8Array(n)],
  );
  const [mc, mms, mread, mdir, mdel] = await columns<[Int32Array, Float64Array, Float64Array, Uint8Array, Uint8Array]>(
    connection,
    `SELECT CAST(z.i AS INTEGER), CAST(epoch_ms(CAST(m.sent_at AS TIMESTAMPTZ)) AS DOUBLE),
            coalesce(CAST(epoch_ms(CAST(m.read_at AS TIMESTAMPTZ)) AS DOUBLE), -1e300),
            CAST(m.direction = 'in' AS UTINYINT), CAST(m.delivered_at IS NOT NULL OR m.read_at IS NOT NULL AS UTINYINT)
     FROM ${source("messages")} m JOIN ${idx} z USING (customer_id)`,
    [(n) => new Int32Array(n), (n) => new Float64Array(n), (n) => new Float64Array(n), (n) => new Uint8Array(n), (n) => new Uint8Array(n)],
  );
  const t1 = performance.now();

  const customers = ids.length;
  const cutoff = dayNumber(asOf);
  const windowStart = dayNumber(asOf, p.windowMonths);
  const {firstHour, hours, off0, off1, switchS} = offsets;
  const localMs = (c: number, ms: number) => {
    const hour = Math.floor(ms / HOUR_MS);
    const at = zoneOf[c]! * hours + hour - firstHour;
    if (hour < firstHour || hour >= firstHour + hours) throw new Error(`typed peer: instant ${ms} outside the offset table`);
    return ms + (ms - hour * HOUR_MS < switchS[at]! * 1000 ? off0[at]! : off1[at]!) * 1000;
  };

  // Orders: local day, spend, purchase days.
  const spend = new Float64Array(customers);
  const purchaseDays = new Int32Array(customers);
  const lastPurchase = new Float64Array(customers).fill(NaN);
  const frequency: (string | undefined)[] = new Array(customers);
  const oday = new Float64Array(oc.length);
  for (let i = 0; i < oc.length; i++) {
    const day = Math.floor(localMs(oc[i]!, oms[i]!) / DAY_MS);
    oday[i] = day;
    if (day > windowStart && day <= cutoff) {
      if (ost[i] === 1) spend[oc[i]!]! += oamt[i]!;
      else if (ost[i] === 2) spend[oc[i]!]! -= oamt[i]!;
    }
  }
  const og = groupBy(oc, customers);
  const scratch = new Float64Array(4096);
  for (let c = 0; c < customers; c++) {
    let k = 0;
    for (let j = og.start[c]!; j < og.start[c + 1]!; j++) {
      const i = og.order[j]!;
      if (ost[i] === 1 && oday[i]! <= cutoff) scratch[k++] = oday[i]!;
    }
    if (k === 0) continue;
    const days = scratch.subarray(0, k).sort();
    let distinct = 0;
    let inWindow = 0;
    let first = NaN;
    let last = NaN;
    for (let j = 0; j < k; j++) {
      if (j > 0 && days[j] === days[j - 1]) continue;
      distinct++;
      if (days[j]! > windowStart) {
        if (inWindow === 0) first = days[j]!;
        last = days[j]!;
        inWindow++;
      }
    }
    purchaseDays[c] = distinct;
    lastPurchase[c] = days[k - 1]!;
    if (inWindow > 0) {
      const gap = inWindow >= 2 ? (last - first) / (inWindow - 1) : cutoff - first;
      frequency[c] = gap <= p.monthlyMaxGapDays ? "monthly buyer" : gap <= p.quarterlyMaxGapDays ? "quarterly buyer" : "yearly buyer";
    }
  }

  // Messages, per customer in time order (outbound first on equal times, as the ASOF join has it).
  const mg = groupBy(mc, customers);
  const tags: [number, string, string][] = [];
  const cells = new Float64Array(3000);
  const seen = new Uint8Array(800);
  let customerCells = 0;
  const interact = {active: `active ${p.activeDays} days`, silent: `silent ${p.silentDays} days`, unread: `unread ${p.unreadDays} days`};
  let rowsIdx = new Int32Array(4096);
  for (let c = 0; c < customers; c++) {
    const s = mg.start[c]!;
    const n = mg.start[c + 1]! - s;
    if (n > rowsIdx.length) rowsIdx = new Int32Array(n * 2);
    const rows = rowsIdx.subarray(0, n);
    rows.set(mg.order.subarray(s, s + n));
    rows.sort((a, b) => mms[a]! - mms[b]! || mdir[a]! - mdir[b]!);
    let total = 0, outWindow = 0, delivered = 0, readWindow = 0, replied = 0, outUnread = 0, readUnread = 0, deliveredUnread = 0;
    let lastInbound = NaN, lastRead = NaN;
    let lastOut = -1;
    let lastOutAnswered = false;
    const touched: number[] = [];
    const known = zoneKnown[c] === 1;
    const cell = (kind: number, local: number) => {
      const d = Math.floor(local / DAY_MS);
      if (!known || d > cutoff || d <= cutoff - p.lookbackDays) return;
      const wh = ((d + 3) % 7 + 1) * 100 + (Math.floor(local / HOUR_MS) % 24);
      cells[kind * 1000 + wh]!++;
      if (!seen[wh]) {
        seen[wh] = 1;
        touched.push(wh);
      }
    };
    for (let j = 0; j < n; j++) {
      const i = rows[j]!;
      const local = localMs(c, mms[i]!);
      const day = Math.floor(local / DAY_MS);
      if (mdir[i] === 0) {
        lastOut = i;
        lastOutAnswered = false;
      }
      if (day > cutoff) continue;
      total++;
      if (mdir[i] === 1) {
        if (!(lastInbound >= day)) lastInbound = day;
        cell(1, local);
        if (lastOut >= 0 && !lastOutAnswered && mms[i]! - mms[lastOut]! <= 24 * HOUR_MS) {
          const outDay = Math.floor(localMs(c, mms[lastOut]!) / DAY_MS);
          if (outDay > cutoff - p.windowDays) {
            replied++;
            lastOutAnswered = true;
          }
        }
      } else {
        const readLocal = mread[i]! > -1e299 ? localMs(c, mread[i]!) : NaN;
        const readDay = Math.floor(readLocal / DAY_MS);
        if (!Number.isNaN(readLocal)) cell(2, readLocal);
        const read = readDay <= cutoff;
        if (read && !(lastRead >= readDay)) lastRead = readDay;
        if (day > cutoff - p.windowDays) {
          outWindow++;
          if (mdel[i]) delivered++;
          if (read) readWindow++;
        }
        if (day > cutoff - p.unreadDays) {
          outUnread++;
          if (read) readUnread++;
          if (mdel[i]) deliveredUnread++;
        }
      }
    }
    customerCells += touched.length;
    for (const key of touched) seen[key] = 0;

    if (frequency[c]) tags.push([c, "frequency", frequency[c]!]);
    const lp = lastPurchase[c]!;
    const lastInteraction = Number.isNaN(lp) ? lastInbound : Number.isNaN(lastInbound) ? lp : Math.max(lp, lastInbound);
    if (!Number.isNaN(lastInteraction) || total > 0) {
      const tag = !Number.isNaN(lastInteraction) && cutoff - lastInteraction >= p.dormantDays ? "dormant"
        : purchaseDays[c] === 0 ? "prospect" : purchaseDays[c] === 1 ? "new" : "returning";
      tags.push([c, "lifecycle", tag]);
    }
    if (outWindow > 0) {
      const tag = replied >= p.repliesOftenRate * outWindow ? "replies often"
        : delivered === 0 ? "not reached" : readWindow >= p.readsRate * delivered ? "reads only" : "does not read";
      tags.push([c, "interaction", tag]);
    }
    const lastActive = Number.isNaN(lastInbound) ? lastRead : Number.isNaN(lastRead) ? lastInbound : Math.max(lastInbound, lastRead);
    if (cutoff - lastActive < p.activeDays) tags.push([c, "interaction", interact.active]);
    if (total > 0 && (Number.isNaN(lastInbound) || cutoff - lastInbound >= p.silentDays)) tags.push([c, "interaction", interact.silent]);
    if (deliveredUnread > 0 && readUnread === 0) tags.push([c, "interaction", interact.unread]);
  }
  const t2 = performance.now();

  const lines = ["customer_id,family,tag"];
  for (const [c, family, tag] of tags) lines.push(`${ids[c]},${family},${tag}`);
  writeFileSync(outFile, lines.join("\n") + "\n");
  const t3 = performance.now();

  const counts: Record<string, number> = {};
  for (const [, family, tag] of tags) counts[`${family}: ${tag}`] = (counts[`${family}: ${tag}`] ?? 0) + 1;
  const cellCounts: Record<string, number> = {};
  for (let k = 0; k < cells.length; k++) if (cells[k]) cellCounts[String(k)] = cells[k]!;
  let spendCustomers = 0;
  let cents = 0;
  for (let c = 0; c < customers; c++) {
    const v = Math.round(spend[c]! * 100);
    if (v !== 0) spendCustomers++;
    cents += v;
  }
  return {
    load: (t1 - t0) / 1000,
    compute: (t2 - t1) / 1000,
    write: (t3 - t2) / 1000,
    rows: oc.length + mc.length,
    result: {tags: counts, cells: cellCounts, customerCells, spend: {customers: spendCustomers, cents}},
  };
}
