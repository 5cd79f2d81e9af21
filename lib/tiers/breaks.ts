// Breakpoints between spend tiers, two ways: the playbook's histogram rule (a boundary where the
// customer count falls sharply from one bin to the next) and optimal 1-D natural breaks (ckmeans).
// Both work on distinct spend values with their customer counts, so customers with equal spend
// can never be split between two tiers and the work grows with distinct values, not customers.

/** A spend value and how many customers have exactly it. */
export interface WeightedValue {
  value: number;
  count: number;
}

/** One histogram bin [lo, hi) with the customers whose spend falls in it. */
export interface Bin {
  lo: number;
  hi: number;
  customers: number;
}

/** A boundary the histogram rule found: tiers above it start at `bound`. */
export interface RuleBoundary {
  bound: number;
  /** The bin before the fall, and its count. */
  from: Bin;
  /** The bin after the fall. */
  to: Bin;
  /** Relative fall in customers, 0.34 for "falls 34%". */
  fall: number;
}

export interface BinOptions {
  scale: "log" | "linear";
  /** Log scale: bins per factor of ten; edges are 10^(i/perDecade) rounded to 2 significant digits. */
  perDecade: number;
  /** Linear scale: width of every bin, edges at multiples of it. */
  width: number;
}

export interface RuleOptions {
  /** A boundary needs the next bin to hold at most (1 − minFall) of this bin's customers. */
  minFall: number;
  /** Every tier must keep at least this share of the customers. */
  minTierShare: number;
  /** At most this many tiers (so maxTiers − 1 boundaries). */
  maxTiers: number;
  /** A fall out of a bin with fewer customers than this is noise, not a dividing line. */
  minBinCustomers: number;
}

/**
 * Distinct values with their counts, ascending. Grouping first is what keeps equal spend in one
 * tier (TC-03): the breaks are then chosen between distinct values, never inside one.
 *
 * @throws Error naming the first value that is not a finite number.
 */
export function weigh(values: readonly number[]): WeightedValue[] {
  const counts = new Map<number, number>();
  for (const value of values) {
    if (!Number.isFinite(value)) throw new Error(`spend tiers: spend must be a finite number, got ${value}`);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({value, count})).sort((a, b) => a.value - b.value);
}

/** The lower edge of log bin i: 10^(i/perDecade), rounded to 2 significant digits so it reads well. */
function logEdge(i: number, perDecade: number): number {
  return Number((10 ** (i / perDecade)).toPrecision(2));
}

/**
 * The histogram of positive spend, every bin from the lowest to the highest value included (empty
 * bins too, since a fall to an empty bin is a fall).
 *
 * Log bins are the default because spend is heavy-tailed: linear bins put nearly every customer
 * in the first bin or two. With perDecade 10 the edges run 1, 1.3, 1.6, 2, 2.5, 3.2, 4, 5, 6.3,
 * 7.9, 10, 13, … (×10 each decade).
 *
 * @throws Error when a value is not positive or a bin setting is not positive.
 */
export function histogram(values: readonly WeightedValue[], options: BinOptions): Bin[] {
  if (values.length === 0) return [];
  const min = values[0]!.value;
  const max = values[values.length - 1]!.value;
  if (min <= 0) throw new Error(`spend tiers: the histogram takes positive spend only, got ${min}`);
  let edge: (i: number) => number;
  let first: number;
  if (options.scale === "log") {
    if (!(options.perDecade > 0)) throw new Error(`tiers.bins.perDecade must be positive, got ${options.perDecade}`);
    edge = (i) => logEdge(i, options.perDecade);
    first = Math.floor(Math.log10(min) * options.perDecade);
    // Rounding moves edges a little, so step to the bin that really holds min.
    while (edge(first) > min) first -= 1;
    while (edge(first + 1) <= min) first += 1;
  } else {
    if (!(options.width > 0)) throw new Error(`tiers.bins.width must be positive, got ${options.width}`);
    edge = (i) => i * options.width;
    first = Math.floor(min / options.width);
  }
  const bins: Bin[] = [];
  let i = first;
  let v = 0;
  while (edge(i) <= max) {
    const bin: Bin = {lo: edge(i), hi: edge(i + 1), customers: 0};
    while (v < values.length && values[v]!.value < bin.hi) bin.customers += values[v++]!.count;
    bins.push(bin);
    i += 1;
  }
  return bins;
}

/**
 * The playbook's breakpoints: a candidate boundary sits at the start of any bin holding at most
 * (1 − minFall) of the customers of the bin before it (which must hold at least minBinCustomers).
 * Candidates are taken sharpest fall first (ties: the fuller bin, then the lower bound), and one
 * is kept only when every tier it leaves holds at least minTierShare of the customers, until
 * there are maxTiers tiers.
 *
 * @returns The kept boundaries, lowest bound first; empty when no line is sharp enough.
 */
export function ruleBreaks(bins: readonly Bin[], options: RuleOptions): RuleBoundary[] {
  const total = bins.reduce((sum, b) => sum + b.customers, 0);
  const candidates: RuleBoundary[] = [];
  for (let i = 0; i + 1 < bins.length; i += 1) {
    const from = bins[i]!;
    const to = bins[i + 1]!;
    if (from.customers < Math.max(1, options.minBinCustomers)) continue;
    const fall = 1 - to.customers / from.customers;
    // A small epsilon so a fall of exactly 20% counts as 20% despite floating point.
    if (fall + 1e-12 >= options.minFall) candidates.push({bound: to.lo, from, to, fall});
  }
  candidates.sort((a, b) => b.fall - a.fall || b.from.customers - a.from.customers || a.bound - b.bound);

  const below = (bound: number) => bins.reduce((sum, b) => sum + (b.lo < bound ? b.customers : 0), 0);
  const kept: RuleBoundary[] = [];
  for (const candidate of candidates) {
    if (kept.length + 1 >= options.maxTiers) break;
    const trial = [...kept, candidate].sort((a, b) => a.bound - b.bound);
    const edges = [0, ...trial.map((t) => below(t.bound)), total];
    const sizes = edges.slice(1).map((e, j) => e - edges[j]!);
    if (sizes.every((size) => size >= options.minTierShare * total && size > 0)) kept.splice(0, kept.length, ...trial);
  }
  return kept;
}

/** The natural breaks of one tier count. */
export interface Ckmeans {
  k: number;
  /** Lowest value of each tier, ascending; the first is the smallest value. */
  bounds: number[];
  /** Within-tier sum of squared deviations, each value counted once per customer. */
  sse: number;
}

/** Goodness of variance fit for one tier count. */
export interface Fit {
  k: number;
  sse: number;
  /** 1 − sse / total sum of squares: 1 is a perfect fit. */
  gvf: number;
}

/**
 * Optimal 1-D k-means (ckmeans) of weighted distinct values, for every k from 1 to maxK.
 *
 * simple-statistics' `ckmeans` takes one value per customer and, when asked for more clusters
 * than there are distinct values, splits equal values across clusters (TC-03). Here each
 * distinct value is one point weighted by its count, so equal spend is one point and can only
 * land in one tier, and k never exceeds the number of distinct values. The dynamic programme is
 * the usual one (cost of tier j..i from prefix sums), with the divide-and-conquer speed-up that
 * the monotone split points of 1-D k-means allow: O(k · n log n) for n distinct values.
 *
 * @param transform Applied to each value before clustering (e.g. Math.log); bounds are reported
 *   in the original values.
 * @returns The best partition for each k = 1..min(maxK, distinct values), in order.
 */
export function ckmeansAll(
  values: readonly WeightedValue[],
  maxK: number,
  transform: (x: number) => number = (x) => x,
): Ckmeans[] {
  const n = values.length;
  if (n === 0) return [];
  if (!(maxK >= 1)) throw new Error(`spend tiers: ckmeans needs at least 1 tier, got ${maxK}`);
  const kMax = Math.min(Math.floor(maxK), n);

  // Prefix sums of weight, weight·x and weight·x², x shifted by the median for precision.
  const xs = values.map((v) => transform(v.value));
  if (xs.some((x) => !Number.isFinite(x))) throw new Error("spend tiers: the ckmeans scale cannot take a value ≤ 0");
  const shift = xs[n >> 1]!;
  const W = new Float64Array(n + 1);
  const S = new Float64Array(n + 1);
  const Q = new Float64Array(n + 1);
  for (let i = 0; i < n; i += 1) {
    const w = values[i]!.count;
    const x = xs[i]! - shift;
    W[i + 1] = W[i]! + w;
    S[i + 1] = S[i]! + w * x;
    Q[i + 1] = Q[i]! + w * x * x;
  }
  // Cost of one tier holding points j..i inclusive.
  const cost = (j: number, i: number): number => {
    const w = W[i + 1]! - W[j]!;
    const s = S[i + 1]! - S[j]!;
    return Math.max(0, Q[i + 1]! - Q[j]! - (s * s) / w);
  };

  const D: Float64Array[] = [];
  const B: Int32Array[] = [];
  const first = new Float64Array(n);
  for (let i = 0; i < n; i += 1) first[i] = cost(0, i);
  D.push(first);
  B.push(new Int32Array(n));
  for (let q = 1; q < kMax; q += 1) {
    const prev = D[q - 1]!;
    const row = new Float64Array(n).fill(Infinity);
    const arg = new Int32Array(n);
    // row[i]: best cost of q+1 tiers over points 0..i, the last tier starting at j (q ≤ j ≤ i).
    const solve = (lo: number, hi: number, optLo: number, optHi: number): void => {
      if (lo > hi) return;
      const mid = (lo + hi) >> 1;
      let best = Infinity;
      let bestJ = Math.max(q, optLo);
      for (let j = Math.max(q, optLo); j <= Math.min(mid, optHi); j += 1) {
        const c = prev[j - 1]! + cost(j, mid);
        if (c < best) {
          best = c;
          bestJ = j;
        }
      }
      row[mid] = best;
      arg[mid] = bestJ;
      solve(lo, mid - 1, optLo, bestJ);
      solve(mid + 1, hi, bestJ, optHi);
    };
    solve(q, n - 1, q, n - 1);
    D.push(row);
    B.push(arg);
  }

  const results: Ckmeans[] = [];
  for (let k = 1; k <= kMax; k += 1) {
    const starts: number[] = [];
    let end = n - 1;
    for (let q = k - 1; q >= 1; q -= 1) {
      const j = B[q]![end]!;
      starts.unshift(j);
      end = j - 1;
    }
    starts.unshift(0);
    results.push({k, bounds: starts.map((s) => values[s]!.value), sse: D[k - 1]![n - 1]!});
  }
  return results;
}

/**
 * Goodness of variance fit per k, and the tier count to use: the smallest k ≥ 2 whose GVF
 * reaches `target` (the classic Jenks threshold is 0.8), else the largest k tried. One distinct
 * value gives one tier.
 */
export function chooseK(partitions: readonly Ckmeans[], target: number): {fits: Fit[]; k: number} {
  const total = partitions[0]?.sse ?? 0;
  const fits = partitions.map((p) => ({k: p.k, sse: p.sse, gvf: total > 0 ? 1 - p.sse / total : 1}));
  if (fits.length <= 1) return {fits, k: fits.length};
  const hit = fits.find((f) => f.k >= 2 && f.gvf >= target);
  return {fits, k: hit ? hit.k : fits[fits.length - 1]!.k};
}

/**
 * Tag names for k tiers, lowest first. The top tier is always "high" so rules and messages can
 * name it whatever the count: 2 → low, high; 3 → low, mid, high; k > 3 → tier 1 … tier k−1, high.
 */
export function tierNames(k: number): string[] {
  if (k <= 1) return ["all"];
  if (k === 2) return ["low", "high"];
  if (k === 3) return ["low", "mid", "high"];
  return [...Array.from({length: k - 1}, (_, i) => `tier ${i + 1}`), "high"];
}

/** The 0-based tier of a value given the ascending lower bounds of the tiers above the lowest. */
export function tierIndex(value: number, upperBounds: readonly number[]): number {
  let index = 0;
  for (const bound of upperBounds) if (value >= bound) index += 1;
  return index;
}
