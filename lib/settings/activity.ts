import {z} from "zod";

/** Activity heatmaps and send windows (playbook section 4). */
export const activitySettings = z
  .object({
    /** Local night: never recommended for sending. Hours [start, end) wrap past midnight. */
    quietHours: z
      .object({start: z.number().int().min(0).max(23).default(22), end: z.number().int().min(0).max(23).default(8)})
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
