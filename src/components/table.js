// Inputs.table with defaults that keep values readable. Inputs' own defaults give every column
// the same width (table-layout: fixed below 12 columns) and cut each cell to one line with an
// ellipsis, so window times, confidence intervals, notes and product names came out as
// "15:00–…" or "101,45…". Here columns size to their content (layout: "auto"). Columns of words
// (names, reasons, notes) may wrap at spaces, and the browser wraps them only as far as the page
// needs; every other column (numbers, dates, times, ranges such as 12:00–16:00 or 5.3%–11.2%)
// stays on one line, so a value never breaks inside. A table still wider than the page scrolls
// sideways inside its own box (see .readable-table in style.css).
import * as Inputs from "@observablehq/inputs";

/** A column of values with spaces and at least this many characters may wrap. */
const WORDS_FROM = 12;
/** A column this long (notes, reasons) keeps a wider minimum when it wraps. */
const PROSE_FROM = 60;
/** How many rows are measured to decide which columns wrap (the tables hold at most a few hundred). */
const MEASURE_ROWS = 500;

/**
 * Like Inputs.table(data, options), with layout "auto", no row selection unless asked for, and
 * columns of words that wrap. options.wrap (an array of column names) overrides which columns
 * may wrap.
 */
export function table(data, {wrap, ...options} = {}) {
  const rows = Array.from(data ?? []);
  const columns = options.columns ?? (rows.length ? Object.keys(rows[0]) : []);
  const measured = new Map(columns.map((column) => [column, measure(rows, column, options.format?.[column])]));
  const wrapping = new Set(wrap ?? columns.filter((column) => {
    const {longest, spaced} = measured.get(column);
    return spaced && longest >= WORDS_FROM;
  }));
  // In a column that wraps, a range such as 12:00–16:00 or 5.3%–11.2% is kept on one line: the
  // browser would otherwise break it after the dash.
  const format = {...options.format};
  for (const column of wrapping) {
    const base = format[column];
    format[column] = (value, i, all) => keepRanges(base ? base(value, i, all) : value);
  }
  const form = Inputs.table(data, {select: false, layout: "auto", ...options, format});
  form.classList.add("readable-table");
  // Without row selection, Inputs still draws an empty first column for the checkboxes.
  if (!(options.select ?? false)) form.classList.add("no-select");
  // Inputs writes a <style> scoped to the form's id for widths and alignment; the wrapping
  // columns get one more rule of the same kind (column i is the (i + 2)th cell: the first holds
  // the selection box). The minimum width keeps a squeezed column from becoming a tall ribbon.
  const rules = columns
    .map((column, i) => wrapping.has(column)
      ? `#${form.id} tr>:nth-child(${i + 2}){white-space:normal;overflow-wrap:break-word;min-width:${measured.get(column).longest >= PROSE_FROM ? 12 : 6}em}`
      : null)
    .filter(Boolean);
  if (rules.length) {
    const style = document.createElement("style");
    style.textContent = rules.join("\n");
    form.append(style);
  }
  return form;
}

const RANGE = /(\S*\d\S*[–-]\S*\d\S*)/;

/** Text with every range in a no-wrap span (a node), or the value as it was if it has none. */
function keepRanges(value) {
  if (typeof value !== "string" || !RANGE.test(value)) return value;
  const span = document.createElement("span");
  value.split(RANGE).forEach((part, i) => {
    if (i % 2 === 0) span.append(part);
    else {
      const range = document.createElement("span");
      range.style.whiteSpace = "nowrap";
      range.textContent = part;
      span.append(range);
    }
  });
  return span;
}

/** The longest displayed value of a column, in characters, and whether any value has a space. */
function measure(rows, column, format) {
  let longest = 0;
  let spaced = false;
  for (let i = 0; i < rows.length && i < MEASURE_ROWS; ++i) {
    const value = rows[i]?.[column];
    if (value == null) continue;
    // Without a format, Inputs shows numbers and dates in a short locale form.
    if (!format && (typeof value === "number" || value instanceof Date)) continue;
    const shown = format ? format(value, i, rows) : value;
    const text = shown instanceof Node ? shown.textContent : String(shown);
    if (text.length > longest) longest = text.length;
    if (!spaced && /\s/.test(text)) spaced = true;
  }
  return {longest, spaced};
}
