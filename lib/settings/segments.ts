import {z} from "zod";

/** Send-safe segment lists (playbook sections 3, 4, 5 and 7). */
export const segmentSettings = z
  .object({
    /** Marketing messages allowed per customer in the last 30 days. */
    frequencyCap: z.number().int().min(0).default(3),
    /** Customers inactive this many days are left out of campaign lists unless the list is a win-back. */
    inactiveDays: z.number().int().min(1).default(60),
    /** Countries (ISO alpha-2) where marketing templates are not delivered. */
    noMarketingCountries: z.array(z.string().length(2)).default(["US"]),
    /** Whether the built site may carry full phone numbers and names in its downloads. */
    contactsInSite: z.boolean().default(true),
  })
  .strict()
  .prefault({});
