import {z} from "zod";

/**
 * Spend tiers and natural breakpoints (playbook section 3).
 *
 * Spend is each customer's net spend (paid − refunded, cancelled never counts) over the
 * `windowMonths` local calendar months up to and including the as-of date. Only customers with
 * positive spend in that window are tiered. Tags are "low", "mid", "high" for 3 tiers, "low",
 * "high" for 2, and "tier 1" … "tier k−1", "high" for more: the top tier is always "high".
 */
export const tierSettings = z
  .object({
    /** Which breakpoints tag customers: the histogram "rule", "ckmeans" natural breaks, or "fixed". */
    method: z.enum(["rule", "ckmeans", "fixed"]).default("rule"),
    /** Lower bounds of the tiers above the lowest, used when method is "fixed". */
    fixedBounds: z.array(z.number().positive()).default([]),
    /** Months of rolling spend. */
    windowMonths: z.number().int().min(1).max(60).default(12),
    /** The spend histogram the rule reads and the page draws. */
    bins: z
      .object({
        /** "log" (default: spend is heavy-tailed) or "linear". */
        scale: z.enum(["log", "linear"]).default("log"),
        /** Log bins per factor of ten; edges 10^(i/n) rounded to 2 digits (1, 1.3, 1.6, 2, 2.5, …). */
        perDecade: z.number().int().min(1).max(100).default(10),
        /** Linear bin width in the reporting currency. */
        width: z.number().positive().default(100),
      })
      .strict()
      .prefault({}),
    /** The playbook's rule: a boundary where the customer count falls sharply between two bins. */
    rule: z
      .object({
        /** The count must fall by at least this share from one bin to the next (0.2 = 20%). */
        minFall: z.number().gt(0).max(1).default(0.2),
        /** Every tier keeps at least this share of the tiered customers. */
        minTierShare: z.number().min(0).max(0.5).default(0.1),
        /** At most this many tiers. */
        maxTiers: z.number().int().min(2).max(10).default(3),
        /** A fall out of a bin with fewer customers than this is noise and is ignored. */
        minBinCustomers: z.number().int().min(1).default(5),
      })
      .strict()
      .prefault({}),
    /** Optimal 1-D natural breaks. */
    ckmeans: z
      .object({
        /** Tier count, or "auto": the smallest k ≥ 2 whose goodness of variance fit reaches gvfTarget. */
        tiers: z.union([z.literal("auto"), z.number().int().min(1).max(20)]).default("auto"),
        /** Largest k tried when tiers is "auto". */
        maxTiers: z.number().int().min(2).max(20).default(6),
        /** Goodness of variance fit that is good enough (Jenks' usual 0.8). */
        gvfTarget: z.number().gt(0).max(1).default(0.8),
        /**
         * Cluster log(spend) (default) or spend itself. On raw spend a few wholesale buyers take
         * every tier but one; on log spend tiers follow the shape the histogram shows.
         */
        scale: z.enum(["log", "linear"]).default("log"),
      })
      .strict()
      .prefault({}),
    /** Threshold nudges: customers within this share below the next tier's lower bound (0.2 = 20%). */
    nudgeWithin: z.number().gt(0).max(1).default(0.2),
    /** A high-tier customer with no purchase for this many months is flagged for downgrade. */
    downgradeMonths: z.number().int().min(1).max(24).default(3),
    /** Low-tier customers who read at least this many messages in the last month are "promising". */
    promisingOpensPerMonth: z.number().int().min(1).default(5),
  })
  .strict()
  .prefault({});
