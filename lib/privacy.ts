/**
 * SQL that masks contact details before they reach a page's JSON. Hosted pages are seen by
 * managers who have no need for full numbers; masking in the browser would still ship the full
 * values to every visitor, so it happens here, in the query.
 */

/** A name as its first letter and dots ("A•••"). */
export function maskedNameSql(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL ELSE left(${column}, 1) || '•••' END`;
}

/** A phone number or WhatsApp id as "+" and dots with its last three digits ("+•••••••••567"). */
export function maskedPhoneSql(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL
    ELSE '+' || repeat('•', greatest(length(ltrim(${column}, '+')) - 3, 0)) || right(${column}, 3) END`;
}

/**
 * A customer id, masked like a phone number when it is one: WhatsApp exports use the customer's
 * international number (7 to 15 digits, "+" optional) as the id. Other ids are kept, so an
 * analyst can still find the customer in the warehouse.
 */
export function maskedCustomerIdSql(column: string): string {
  return `CASE WHEN regexp_full_match(${column}, '\\+?[0-9]{7,15}') THEN ${maskedPhoneSql(column)} ELSE ${column} END`;
}

/** Text (a tag's reason) with every "+" international number in it masked but its last three digits. */
export function maskedNumbersInTextSql(column: string): string {
  return `regexp_replace(${column}, '\\+[0-9]{4,12}([0-9]{3})', '+•••••\\1', 'g')`;
}
