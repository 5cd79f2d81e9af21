import {z} from "zod";

/** Association rules, replenishment, seasons and browse depth (playbook section 5). */
export const productSettings = z
  .object({
    /** Orders within this many days of the as-of date are mined for rules. */
    windowDays: z.number().int().min(1).max(3650).default(90),
  })
  .strict()
  .prefault({});
