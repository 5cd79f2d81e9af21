import {z} from "zod";

/** Follow-up colours, their accuracy and alerts (playbook section 6). */
export const colourSettings = z
  .object({
    /** Days after a colour is given within which a purchase counts as the colour being right. */
    horizonDays: z.number().int().min(1).max(365).default(30),
  })
  .strict()
  .prefault({});
