import {z} from "zod";

const days = z.number().int().min(1).max(3650);
const share = z.number().min(0).max(1);

/** Association rules, replenishment, seasons and browse depth (playbook section 5). */
export const productSettings = z
  .object({
    /** Orders within this many local days up to the as-of date are mined for rules (playbook: 90). */
    windowDays: days.default(90),
    /** What an item of a basket is: a product (its SKU) or its category. */
    level: z.enum(["product", "category"]).default("product"),
    /** Share of baskets an itemset must be in to be frequent (0.2%: a shop's pairs are rare). */
    minSupport: share.default(0.002),
    /** …and at least this many baskets, so tiny drops do not turn every coincidence into a rule. */
    minCount: z.number().int().min(1).default(5),
    /** Share of the antecedent's baskets that must also hold the consequent. */
    minConfidence: share.default(0.2),
    /** Largest itemset mined: 2 gives pair rules only, 3 adds "A and B → C". */
    maxItemsetSize: z.number().int().min(2).max(3).default(3),
    crossSell: z
      .object({
        /** A rule A → B feeds the "bought A, not B" list when its lift is at least this. */
        minLift: z.number().min(0).default(1.2),
        /** Only the strongest rules by lift feed the list, so it stays a handful of campaigns. */
        maxRules: z.number().int().min(1).default(20),
      })
      .strict()
      .prefault({}),
    sequential: z
      .object({
        /** "A, then B within this many local days" across one customer's orders. */
        withinDays: days.default(90),
        /** Orders looked at for sequences and cycles, counted back from the as-of date. */
        historyDays: days.default(365),
      })
      .strict()
      .prefault({}),
    replenishment: z
      .object({
        /** A product has a cycle once this many repeat gaps (across customers) are seen. */
        minGaps: z.number().int().min(1).default(3),
        /** ...from at least this many customers, so one customer's habit is not a product's cycle. */
        minCustomers: z.number().int().min(1).default(2),
        /**
         * A cycle must be regular: the middle half of the gaps (25th to 75th percentile) may span at
         * most this share of the median gap. Coffee beans every 15–19 days pass (0.24); products
         * bought again now and then (34 to 118 days around 61: 1.4) are no cycle to remind on.
         */
        maxSpread: z.number().positive().default(0.5),
        /** The reminder goes out this many days before the median cycle (playbook: day 14 of 17). */
        leadDays: z.number().int().min(0).max(365).default(3),
        /** Past this many cycles without a re-buy the customer has lapsed and leaves the list. */
        lapsedCycles: z.number().min(1).default(2),
      })
      .strict()
      .prefault({}),
    seasons: z
      .object({
        /** Length of a season in calendar months. */
        months: z.number().int().min(1).max(6).default(3),
        /** A product is seasonal when this share of its orders fall in its peak season. */
        minShare: share.default(0.6),
        /** …and it has at least this many orders over the history. */
        minOrders: z.number().int().min(1).default(10),
        /** Orders looked at, counted back from the as-of date (two years shows a season twice). */
        historyDays: days.default(730),
        /** Last season's buyers are reminded this many days before the season starts (playbook: 14). */
        reminderDays: days.default(14),
      })
      .strict()
      .prefault({}),
    browse: z
      .object({
        /** Web events looked at, counted back from the as-of date. */
        windowDays: days.default(30),
        /** Product page views without an order that make a customer a researcher. */
        minViews: z.number().int().min(1).default(3),
        /** A single view longer than this many seconds is a long dwell. */
        longDwellSeconds: z.number().min(0).default(90),
        /** Items at or above this price viewed `minViews` times form the price-band list. */
        highPrice: z.number().min(0).default(500),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type ProductSettings = z.infer<typeof productSettings>;
