import {z} from "zod";
import {isTimeZone} from "./ingest.js";

const days = z.number().int().min(1).max(3650);

/** The six tag families and the basic tags (playbook sections 1, 2 and 7). */
export const tagSettings = z
  .object({
    frequency: z
      .object({
        /** Purchase days are counted over this many months before the as-of date. */
        windowMonths: z.number().int().min(1).max(60).default(12),
        /** Mean gap between purchase days at or below which a customer is a monthly buyer. */
        monthlyMaxGapDays: days.default(31),
        /** Mean gap at or below which a customer is a quarterly buyer (else yearly). */
        quarterlyMaxGapDays: days.default(92),
      })
      .strict()
      .prefault({}),
    orderValue: z
      .object({
        /** "fixed": the per-currency bounds below; "tiers": the spend tiers' breakpoints. */
        mode: z.enum(["fixed", "tiers"]).default("fixed"),
        /** Mean order value bounds [low/mid, mid/high] per currency (playbook: CNY 500 and 2,000). */
        bounds: z
          .record(z.string().length(3), z.tuple([z.number().positive(), z.number().positive()]))
          .default({CNY: [500, 2000], USD: [70, 280]}),
      })
      .strict()
      .prefault({}),
    interest: z
      .object({
        /** Interest tag per product category (lower case); unlisted categories are used as they are. */
        categories: z.record(z.string(), z.string()).default({}),
        /** Interest tag → keywords in any language, matched in the customer's own messages. */
        keywords: z.record(z.string(), z.array(z.string().min(1))).default({
          electronics: ["phone", "iphone", "xiaomi", "charger", "power bank", "mAh", "laptop", "earbuds", "handy", "téléphone", "celular", "هاتف", "شاحن", "휴대폰", "충전기"],
          beauty: ["lipstick", "serum", "skincare", "cream", "makeup", "maquillaje", "crème", "مكياج", "화장품"],
          parenting: ["baby", "diaper", "stroller", "toddler", "bebé", "bébé", "Baby", "طفل", "아기"],
          coffee: ["coffee", "espresso", "beans", "café", "Kaffee", "قهوة", "커피"],
          fashion: ["dress", "shoes", "jacket", "vestido", "Kleid", "فستان", "원피스"],
        }),
        /** Parameter tags read from the text: a number followed by a unit, at or above a minimum. */
        parameters: z
          .array(
            z
              .object({tag: z.string(), unit: z.string(), min: z.number()})
              .strict(),
          )
          .default([{tag: "high capacity", unit: "mAh", min: 20000}]),
        /** Brand or model words that reveal a budget, tagged as budget:<value>. */
        budgetWords: z
          .record(z.string(), z.array(z.string().min(1)))
          .default({premium: ["iphone 15 pro", "iphone pro", "galaxy s", "dyson"], value: ["xiaomi", "redmi", "realme"]}),
        /** Interest tags older than this many months are marked stale (playbook: 9 to 15). */
        fadeMonths: z.number().int().min(1).max(60).default(12),
      })
      .strict()
      .prefault({}),
    interaction: z
      .object({
        /** Outbound messages looked at, counted back from the as-of date. */
        windowDays: days.default(90),
        /** Share of outbound messages answered at or above which a customer "replies often". */
        repliesOftenRate: z.number().min(0).max(1).default(0.2),
        /** Share of delivered messages read at or above which a customer "reads only". */
        readsRate: z.number().min(0).max(1).default(0.5),
        /** A customer who wrote or read within this many days is "active". */
        activeDays: days.default(7),
        /** A customer who has not written for this many days is "silent". */
        silentDays: days.default(30),
        /** A customer who read none of the messages of this many days is "unread". */
        unreadDays: days.default(90),
      })
      .strict()
      .prefault({}),
    lifecycle: z
      .object({
        /** Whole local calendar days without interaction after which a customer is dormant. */
        dormantDays: days.default(30),
      })
      .strict()
      .prefault({}),
    triggers: z
      .object({
        /** Interactions in the last 7 days at least this many times the weekly mean of the 8 weeks before. */
        surgeFactor: z.number().min(1).default(3),
        /** …and at least this many interactions in the last 7 days. */
        surgeMinEvents: z.number().int().min(1).default(3),
      })
      .strict()
      .prefault({}),
    /**
     * International number prefixes (digits, no "+") of mobile ranges issued anywhere in a country
     * with several time zones. libphonenumber files some under one zone (every +79 under
     * Europe/Moscow), so a number starting with one gets time zone "unknown" instead of that guess:
     * Russia +79, Kazakhstan +77, Indonesia +628, Australia +614, Spain +346 and +347 (the Canaries
     * are an hour behind Madrid).
     */
    nationalMobilePrefixes: z.array(z.string().regex(/^\d{2,6}$/, "2 to 6 digits")).default(["79", "77", "628", "614", "346", "347"]),
    /**
     * The zone of customers whose own zone cannot be found (no phone number, a country with
     * several zones, a chat export that names people, not numbers). Null (the default) leaves
     * them "unknown": counted, and left out of local-time heatmaps and windows. Set it, e.g. to
     * the shop's zone when the customers are known to be local, to count them in that zone; their
     * time-zone reason says it came from this setting. A time_zone column that is not a zone
     * stays unknown.
     */
    unknownTimeZone: z.string().refine(isTimeZone, {message: "an IANA time zone such as Europe/London"}).nullable().default(null),
    /** Shipping-restricted areas: a country with a region name or a postcode prefix. */
    shippingRestricted: z
      .array(
        z
          .object({
            country: z.string().length(2),
            region: z.string().optional(),
            postcodePrefix: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .prefault({});
