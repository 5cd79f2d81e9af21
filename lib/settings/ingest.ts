import {z} from "zod";

/** Whether a name is an IANA time zone this runtime knows ("Europe/London", "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", {timeZone: name});
    return true;
  } catch {
    return false;
  }
}

/** How raw files are read. Column types are declared here, never sniffed from the data. */
export const ingestSettings = z
  .object({
    /** Order of day and month in dates written like 03/04/2024 ("dmy", "mdy" or "ymd"). */
    dateOrder: z.enum(["dmy", "mdy", "ymd"]).default("ymd"),
    /** IANA zone used for timestamps written without an offset (Olist: America/Sao_Paulo). */
    timeZone: z.string().refine(isTimeZone, {message: "an IANA time zone such as Europe/London or UTC"}).default("UTC"),
    /** Decimal separator used in money columns ("." or ","). */
    decimalSeparator: z.enum([".", ","]).default("."),
    /** Currency assumed when an order has none (ISO 4217). */
    currency: z.string().length(3).default("CNY"),
    /**
     * The shop's own name as it appears as sender in WhatsApp chat exports; its messages are
     * outbound. Empty: the author of the "created group" line, else every sender is a customer.
     */
    chatOwner: z.string().default(""),
  })
  .strict()
  .prefault({});

/** Money conversion for reports that compare currencies. */
export const moneySettings = z
  .object({
    /** Currency in which cross-currency figures are reported. */
    reportingCurrency: z.string().length(3).default("USD"),
    /**
     * Units of the reporting currency per unit of each other currency, e.g. {"CNY": 0.14}.
     * A drop with several currencies and no rate for one of them stops with a message.
     */
    rates: z.record(z.string().length(3), z.number().positive()).default({}),
  })
  .strict()
  .prefault({});
