// Small display helpers shared by the pages. Rounding happens here, for display only: the data
// files keep full-precision numbers.
import {html} from "htl";

const integer = new Intl.NumberFormat("en-US", {maximumFractionDigits: 0});
const money2 = new Intl.NumberFormat("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
const percent1 = new Intl.NumberFormat("en-US", {style: "percent", maximumFractionDigits: 1});

export const formatInteger = (n) => (n == null ? "–" : integer.format(n));
export const formatMoney = (n, currency = "") => (n == null ? "–" : `${money2.format(n)}${currency ? ` ${currency}` : ""}`);
export const formatPercent = (n) => (n == null || !Number.isFinite(n) ? "–" : percent1.format(n));

/**
 * A count with its noun, singular for exactly one: plural(1, "customer") is "1 customer",
 * plural(2, "reply", "replies") is "2 replies". Sparse exports (one customer, one message) are
 * common, and "1 customers" reads as a bug. The count is formatted like formatInteger.
 */
export function plural(n, singular, pluralForm = `${singular}s`) {
  return `${formatInteger(n)} ${noun(n, singular, pluralForm)}`;
}

/** The word alone, for sentences that set the number apart: noun(n, "is", "are"). */
export function noun(n, singular, pluralForm = `${singular}s`) {
  return n === 1 ? singular : pluralForm;
}

/**
 * Legend and axis ticks for counts and rates. Plot's default tick format prints "100.000000"
 * when a scale's domain collapses to one value (one cell, one rate), so legends name a format.
 */
export const tickInteger = (n) => (Number.isInteger(n) ? integer.format(n) : "");
export const tickPercent = (n) => percent1.format(n);

/**
 * A chart width from Framework's reactive `width` (the main column's). That width can be 0 for a
 * moment while the page is still being laid out (a full-page screenshot during loading showed it),
 * and Plot then draws bars of negative width, which Chromium logs as errors; so a chart is never
 * planned narrower than 320 px (on a narrower screen the browser scales it down).
 */
export const chartWidth = (width) => Math.max(320, width || 0);

/**
 * The line under each page title: which drop the page shows. previousAsOf is null when the
 * warehouse holds no earlier drop; undefined means the page's data does not say, and then the line
 * says nothing about it rather than claim there is none.
 */
export function asOfLine(asOf, previousAsOf) {
  const previous = previousAsOf ? ` · previous drop ${previousAsOf}` : previousAsOf === null ? " · no previous drop" : "";
  return html`<p class="as-of">Data as of <strong>${asOf}</strong>${previous}</p>`;
}

/** A plain statement shown instead of a chart or table when there is nothing to show. */
export function empty(message) {
  return html`<div class="note empty-state">${message}</div>`;
}

/** A phone number or name with all but its last characters hidden, for hosted pages. */
export function mask(text, keep = 3) {
  if (text == null) return "";
  const s = String(text);
  return s.length <= keep ? "•".repeat(s.length) : "•".repeat(Math.min(8, s.length - keep)) + s.slice(-keep);
}

/**
 * A big number card. With an accent colour (any CSS colour) the card carries it as a stripe, a
 * swatch by the label and a light tint, so a card named after a colour shows that colour.
 */
export function card(label, value, detail = "", accent = null) {
  return html`<div class=${accent ? "card accent-card" : "card"} style=${accent ? {"--accent": accent} : {}}>
    <h2>${accent ? html`<span class="swatch" aria-hidden="true"></span>` : ""}${label}</h2><span class="big">${value}</span>${detail ? html`<p class="muted">${detail}</p>` : ""}</div>`;
}
