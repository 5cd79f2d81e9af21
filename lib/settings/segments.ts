import {z} from "zod";

/** "family:tag", e.g. "interest:coffee" or "spend tier:high"; the family is everything before the first colon. */
const tagRef = z
  .string()
  .regex(/^[^:]+:.+$/, {message: 'expected "family:tag", e.g. "interest:coffee"'});

/** A list a user defines as a combination of tags; it goes through the same send-safety filters. */
const customSegment = z
  .object({
    /** Lower-case name used on the command line and in download file names. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {message: "use lower-case letters, digits and dashes"}),
    rationale: z.string().default("a tag combination defined in the settings"),
    category: z.enum(["marketing", "utility"]).default("marketing"),
    /** Offers that ship goods leave out shipping-restricted customers. */
    shipsGoods: z.boolean().default(false),
    /** Win-back lists keep customers inactive for longer than inactiveDays. */
    isWinBack: z.boolean().default(false),
    /** The customer has every one of these tags. */
    all: z.array(tagRef).default([]),
    /** …and at least one of these (when any are listed). */
    any: z.array(tagRef).default([]),
    /** …and none of these. */
    none: z.array(tagRef).default([]),
  })
  .strict()
  .refine((s) => s.all.length + s.any.length > 0, {message: "a custom segment needs an all or any tag"});

/** Send-safe segment lists (playbook sections 3, 4, 5 and 7). */
export const segmentSettings = z
  .object({
    /** Marketing messages a customer may have received in the cap window before lists leave them out. */
    frequencyCap: z.number().int().min(0).default(3),
    /** Per spend tier caps that override frequencyCap (playbook: at most 3 pushes a month to the high tier). */
    tierCaps: z.record(z.string(), z.number().int().min(0)).default({high: 3}),
    /** Whole local days counted back from the as-of date for the frequency cap. */
    capWindowDays: z.number().int().min(1).max(365).default(30),
    /** Customers inactive this many days are left out of campaign lists unless the list is a win-back. */
    inactiveDays: z.number().int().min(1).default(60),
    /** Dormant customers inactive at most this many days are in the win-back list. */
    winBackMaxDays: z.number().int().min(1).default(60),
    /** Countries (ISO alpha-2) where marketing templates are not delivered. */
    noMarketingCountries: z.array(z.string().length(2)).default(["US"]),
    /** Whether the built site may carry full phone numbers and names in its downloads. */
    contactsInSite: z.boolean().default(true),
    /** Catalogue segments whose offer ships goods (shipping-restricted customers are left out). */
    shipsGoods: z
      .array(z.string())
      .default([
        "high-tier-scarcity",
        "near-next-tier",
        "due-for-reorder",
        "bought-a-not-b",
        "seasonal-reminder",
        "researched-not-bought",
      ]),
    /** Near-next-tier: customers whose spend is within this share below the next tier's boundary. */
    nudgeWithin: z.number().min(0).max(1).default(0.2),
    /** Promising low tier: at least this many messages read in the last 30 days. */
    promisingReads: z.number().int().min(1).default(5),
    /** Rows per list shown (masked) on the segments page. */
    previewRows: z.number().int().min(0).max(200).default(10),
    /** User-defined segments as tag combinations. */
    custom: z.array(customSegment).default([]),
  })
  .strict()
  .prefault({});

export type SegmentSettings = z.infer<typeof segmentSettings>;
