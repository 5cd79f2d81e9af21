import {z} from "zod";

const hour = z.number().int().min(0).max(23);
const isoWeekday = z.number().int().min(1).max(7);
/** A local clock time on the half-hour grid the windows are chosen on, such as "13:30". */
const halfHour = z.string().regex(/^([01]\d|2[0-3]):(00|30)$/, "a local time HH:00 or HH:30");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");

/** A fallback window used when a region has too little evidence of its own. */
const defaultWindow = z
  .object({
    weekday: halfHour.default("12:00").describe("Local start of the fallback window on weekdays (HH:MM, half-hour grid)."),
    weekend: halfHour.default("10:00").describe("Local start of the fallback window on weekend days (HH:MM)."),
  })
  .strict();

/**
 * A named period with its own heatmap. Ramadan follows the Umm al-Qura calendar; "dates" lists
 * local date ranges (school holidays); "before" is the days before a yearly date (11.11).
 */
const period = z.discriminatedUnion("type", [
  z.object({
    name: z.string().min(1),
    type: z.literal("ramadan"),
    /** Countries compared; empty: every country. */
    countries: z.array(z.string().length(2)).default([]),
  }).strict(),
  z.object({
    name: z.string().min(1),
    type: z.literal("dates"),
    ranges: z.array(z.tuple([isoDate, isoDate])).min(1),
    countries: z.array(z.string().length(2)).default([]),
  }).strict(),
  z.object({
    name: z.string().min(1),
    type: z.literal("before"),
    /** The yearly day, MM-DD, such as "11-11". */
    monthDay: z.string().regex(/^\d{2}-\d{2}$/, "a month and day MM-DD"),
    days: z.number().int().min(1).max(120),
    countries: z.array(z.string().length(2)).default([]),
  }).strict(),
]);

/**
 * A slot tag: a customer whose reads include `inARow` consecutive reads inside the slot (local
 * weekdays, hours [fromHour, toHour)) within the last `lookbackDays` gets the tag.
 */
const slotRule = z
  .object({
    tag: z.string().min(1),
    weekdays: z.array(isoWeekday).min(1),
    fromHour: hour,
    toHour: z.number().int().min(1).max(24),
    inARow: z.number().int().min(1).max(100).default(5),
  })
  .strict();

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The playbook's example generalised: every weekday evening, weekend mornings, weekday lunch. */
const DEFAULT_SLOT_RULES = [
  ...WEEKDAY_NAMES.map((name, i) => ({
    tag: `${name} evening active`, weekdays: [i + 1], fromHour: 20, toHour: 24, inARow: 5,
  })),
  {tag: "weekend morning active", weekdays: [6, 7], fromHour: 9, toHour: 12, inARow: 5},
  {tag: "weekday lunch active", weekdays: [1, 2, 3, 4, 5], fromHour: 12, toHour: 14, inARow: 5},
];

/** Activity heatmaps and send windows (playbook section 4). */
export const activitySettings = z
  .object({
    /** Local night: never recommended for sending. Hours [start, end) wrap past midnight. */
    quietHours: z
      .object({
        /** Local hour at which the night starts (22 = 22:00). */
        start: hour.default(22),
        /** Local hour at which the night ends (8 = 08:00). */
        end: hour.default(8),
      })
      .strict()
      .prefault({}),
    /** Length of the "golden" window, in hours on a half-hour grid (playbook: 4). */
    windowHours: z.number().multipleOf(0.5).min(0.5).max(12).default(4),
    /** Messages sent inside a window below which a region falls back to the default windows. */
    minEvidence: z.number().int().min(1).default(30),
    /** Messages sent inside a half hour below which it is not named the best half hour. */
    minSlotEvidence: z.number().int().min(1).default(10),
    /**
     * Replies inside a window below which it is not chosen as the best window, however many
     * messages were sent (0 replies in 104 messages is no evidence of a good time); a region with
     * no such window falls back to the default windows and says so. The instant and considered
     * windows need as many of their own outcome: fast replies, paid orders.
     */
    minReplies: z.number().int().min(1).default(5),
    /** Replies inside a half hour below which it is not named the best half hour. */
    minSlotReplies: z.number().int().min(1).default(3),
    /**
     * "Stop" replies inside a window below which it is not named the worst window; a region
     * without one gets the quiet hours as the window to avoid, marked as the default, not measured.
     * Lower than minReplies: a stop reply is rarer, and each one costs a customer.
     */
    minStops: z.number().int().min(1).default(3),
    /** Events older than this many local days before the as-of date are left out. */
    lookbackDays: z.number().int().min(7).max(3650).default(365),
    /** A customer message within this many hours of ours (before our next one) is its reply. */
    replyWithinHours: z.number().positive().max(168).default(24),
    /** A reply within this many minutes counts as a fast reply (the "instant" window). */
    fastReplyMinutes: z.number().int().min(1).default(60),
    /** A paid order within this many hours of a message counts for the "considered" window. */
    purchaseWithinHours: z.number().positive().default(72),
    /** Words in a reply that mean "stop sending": the worst window is where they come most. */
    stopWords: z
      .array(z.string().min(1))
      .default(["stop", "unsubscribe", "block", "baja", "parar", "pare", "توقف", "退订", "拒收", "그만", "停止"]),
    /** ISO weekdays of the weekend, by default and per country (Friday–Saturday in much of the Gulf). */
    weekend: z
      .object({
        /** Weekend days (ISO: Monday 1 … Sunday 7) for countries not listed below. */
        default: z.array(isoWeekday).default([6, 7]),
        /** Weekend days per country (ISO alpha-2). */
        byCountry: z.record(z.string().length(2), z.array(isoWeekday)).default({
          SA: [5, 6], EG: [5, 6], KW: [5, 6], QA: [5, 6], BH: [5, 6], OM: [5, 6], JO: [5, 6],
          IL: [5, 6], IR: [5], AF: [5],
        }),
      })
      .strict()
      .prefault({}),
    /** Window starts used when a region lacks evidence, by default and per country. */
    defaultWindows: z
      .object({
        default: defaultWindow.prefault({}),
        /** Fallback window starts per country, overriding the default ones. */
        byCountry: z.record(z.string().length(2), defaultWindow).default({}),
      })
      .strict()
      .prefault({}),
    /** Named periods with their own heatmap, compared with the rest of the data. */
    periods: z.array(period).default([
      {name: "Ramadan", type: "ramadan", countries: []},
      {name: "two weeks before 11.11", type: "before", monthDay: "11-11", days: 14, countries: []},
    ]),
    /**
     * Events inside a period, and outside it, below which a region's shift of activity time is
     * shown as not significant: a mean time of a handful of events is mostly noise.
     */
    minPeriodEvents: z.number().int().min(1).default(30),
    /** Per-customer slot tags from reading behaviour, recomputed every drop. */
    slotRules: z.array(slotRule).default(DEFAULT_SLOT_RULES),
    /** Reads older than this many local days do not count for slot tags. */
    slotLookbackDays: z.number().int().min(7).max(3650).default(90),
    /** The region table's high-value rule and its year-over-year comparison. */
    regions: z
      .object({
        /** Paid orders of the region per 1,000 customers of the shop above which it is dense. */
        minOrdersPerThousand: z.number().nonnegative().default(5),
        /** Share of regions, by average order value, that count as the top. */
        topShare: z.number().gt(0).max(1).default(0.2),
        /** Days compared with the same days a year earlier (the playbook re-examines every 90). */
        compareDays: z.number().int().min(7).max(366).default(90),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type ActivitySettings = z.infer<typeof activitySettings>;
