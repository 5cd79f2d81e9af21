/**
 * A value as it should appear in an error message: strings quoted (so stray spaces and "12,50" stay
 * visible), numbers as they are, null and undefined literally, anything long cut at 60 characters.
 *
 * @example describeValue(" 12,50") // → "\" 12,50\""
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = "undefined";
  else if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
