// Small display helpers shared by the pages. Rounding happens here, for display only: the data
// files keep full-precision numbers.
import {html} from "htl";

const integer = new Intl.NumberFormat("en-US", {maximumFractionDigits: 0});
const money2 = new Intl.NumberFormat("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
const percent1 = new Intl.NumberFormat("en-US", {style: "percent", maximumFractionDigits: 1});

export const formatInteger = (n) => (n == null ? "–" : integer.format(n));
export const formatMoney = (n, currency = "") => (n == null ? "–" : `${money2.format(n)}${currency ? ` ${currency}` : ""}`);
export const formatPercent = (n) => (n == null || !Number.isFinite(n) ? "–" : percent1.format(n));

/** The line under each page title: which drop the page shows. */
export function asOfLine(asOf, previousAsOf) {
  const previous = previousAsOf ? ` · previous drop ${previousAsOf}` : " · no previous drop";
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

/** A big number card. */
export function card(label, value, detail = "") {
  return html`<div class="card"><h2>${label}</h2><span class="big">${value}</span>${detail ? html`<p class="muted">${detail}</p>` : ""}</div>`;
}
