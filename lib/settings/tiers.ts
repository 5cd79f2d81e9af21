import {z} from "zod";

/** Spend tiers and natural breakpoints (playbook section 3). */
export const tierSettings = z
  .object({
    /** Which breakpoints tag customers: the histogram "rule", "ckmeans" natural breaks, or "fixed". */
    method: z.enum(["rule", "ckmeans", "fixed"]).default("rule"),
    /** Lower bounds of the tiers above the lowest, used when method is "fixed". */
    fixedBounds: z.array(z.number().positive()).default([]),
    /** Months of rolling spend. */
    windowMonths: z.number().int().min(1).max(60).default(12),
  })
  .strict()
  .prefault({});
