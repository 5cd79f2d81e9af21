import {z} from "zod";

const days = z.number().int().min(1).max(3650);
const share = z.number().min(0).max(1);
/** Candidate thresholds a rule is tried with when looking for a better one. */
const grid = (values: number[]) =>
  z.array(z.number().positive()).min(1).default(values)
    .describe("Thresholds tried for this rule when looking for a better one (the recommendation grid).");

/**
 * How a colour assignment is judged: "buy" is right when the customer buys (a paid order) within
 * `horizonDays` local days after the as-of date; "no buy" is right when they do not.
 */
const judged = (expect: "buy" | "no buy", horizonDays: number) => ({
  expect: z.enum(["buy", "no buy"]).default(expect)
    .describe('What makes this colour right: "buy" (a paid order within the horizon) or "no buy".'),
  horizonDays: days.default(horizonDays)
    .describe("Local days after the as-of date within which the outcome is judged."),
});

/**
 * Follow-up colours, their accuracy and alerts (playbook section 6).
 *
 * Each rule is a named condition with its thresholds; the first rule that holds (in the order
 * inactive, compare, longVisit, quoteOpens, readNoReply, firstContact, noClick, deal) gives the
 * colour. Signals count only after the customer's last deal, so a past cycle never makes a
 * customer red again. Day counts are whole local calendar days in the customer's zone.
 */
export const colourSettings = z
  .object({
    /** Default horizon: days after a colour is given within which a purchase decides it. */
    horizonDays: days.default(30),
    /** History of as-of dates the accuracy is measured on: this many days back (two years, so a
     * small shop has enough evidence), every `stepDays`. */
    historyDays: days.default(364),
    /** Days between two as-of dates of the history (7: one assessment a week). */
    stepDays: z.number().int().min(1).max(92).default(7),
    rules: z
      .object({
        /** Grey: no order, message or site event for this many calendar months (playbook table). */
        inactive: z
          .object({enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."), months: z.number().int().min(1).max(60).default(6)
              .describe("Calendar months without any order, message or site event."),
            grid: grid([3, 4, 6, 9, 12]), ...judged("no buy", 90)})
          .strict()
          .prefault({}),
        /** Red: a comparing word in the customer's own message within the last `windowDays`. */
        compare: z
          .object({
            enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."),
            windowDays: days.default(7).describe("Local days back in which the signal counts."),
            grid: grid([1, 3, 7, 14, 30]),
            /**
             * Words per language, matched case-insensitively at the start of a word (so "compar"
             * also finds "comparing"); words of scripts written without spaces match anywhere.
             */
            words: z.record(z.string(), z.array(z.string().min(1))).default({
              en: ["compare", "comparing", "comparison", "cheaper elsewhere"],
              es: ["comparar", "comparando", "comparación"],
              pt: ["comparar", "comparando", "comparação"],
              fr: ["comparer", "comparaison"],
              de: ["vergleich", "vergleichen"],
              it: ["confrontare", "confronto"],
              id: ["bandingkan", "membandingkan", "perbandingan"],
              ar: ["مقارنة", "قارن", "أقارن"],
              ko: ["비교"],
              zh: ["比较", "比較", "对比", "對比", "比价"],
              ja: ["比較"],
              ru: ["сравнить", "сравнение"],
              nl: ["vergelijk", "vergelijken"],
              tr: ["karşılaştır", "kıyasla"],
              th: ["เปรียบเทียบ"],
              vi: ["so sánh"],
              hi: ["तुलना"],
            }),
            ...judged("buy", 30),
          })
          .strict()
          .prefault({}),
        /** Red: a site visit longer than `minSeconds` within the last `windowDays`. */
        longVisit: z
          .object({enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."), minSeconds: z.number().positive().default(480)
              .describe("A visit at least this long (seconds) counts as a long visit."),
            windowDays: days.default(7).describe("Local days back in which the signal counts."), grid: grid([120, 240, 360, 480, 600, 900, 1200]),
            ...judged("buy", 30)})
          .strict()
          .prefault({}),
        /** Orange: a quote opened at least `minOpens` times within the last `windowDays`. */
        quoteOpens: z
          .object({enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."), minOpens: z.number().int().min(1).default(3)
              .describe("Quote opens within the window that make the customer orange."),
            windowDays: days.default(30).describe("Local days back in which the signal counts."), grid: grid([1, 2, 3, 4, 5, 6]), ...judged("buy", 30)})
          .strict()
          .prefault({}),
        /**
         * Orange: the last one-to-one (non-campaign) message was read at least `minHours` ago,
         * within the last `windowDays`, and the customer has not answered since.
         */
        readNoReply: z
          .object({enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."), minHours: z.number().positive().default(48)
              .describe("Hours since the read without an answer."),
            windowDays: days.default(7).describe("Local days back in which the signal counts."), grid: grid([12, 24, 48, 72, 96]), ...judged("buy", 30)})
          .strict()
          .prefault({}),
        /** Yellow: first contact fewer than `days` local days ago, and no deal yet. */
        firstContact: z
          .object({enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."), days: days.default(7).describe("Local calendar days of the rule (since first contact, or without a click)."),
            grid: grid([3, 7, 14, 30]), ...judged("no buy", 30)})
          .strict()
          .prefault({}),
        /** Grey: no link opened for `days` local days (the playbook's rule; applies instead of green). */
        noClick: z
          .object({enabled: z.boolean().default(true).describe("Whether this rule takes part in colouring."), days: days.default(7).describe("Local calendar days of the rule (since first contact, or without a click)."),
            grid: grid([7, 14, 30, 60, 90]), ...judged("no buy", 90)})
          .strict()
          .prefault({}),
        /** Green: everyone else; "deal" when they have bought, "nurture" when not yet. */
        green: z.object({...judged("no buy", 30)}).strict().prefault({}),
      })
      .strict()
      .prefault({}),
    /** Dark green above this net spend over the last 12 months, in money.reportingCurrency. */
    darkGreenSpend: z.number().min(0).default(10000),
    /** A customer is marked red at most this many assessments in a row; the next one is held back. */
    fatigueMaxReds: z.number().int().min(1).max(20).default(2),
    accuracy: z
      .object({
        /** The playbook's aim for overall accuracy. */
        aim: share.default(0.92),
        /** A red rule whose deal rate is below this is a "false red" rule. */
        falseRedDealRate: share.default(0.2),
        /**
         * A recommendation needs at least this many assignments changed by the new threshold in
         * each period (choosing and validating); fewer is too thin to act on.
         */
        minEvidence: z.number().int().min(1).default(30),
        /**
         * How thresholds are compared: "accuracy" (the share of colours that were right, the
         * playbook's 92% aim; the default: a change wins exactly when the customers it recolours
         * fit their new colour better, so a "buy" colour goes to signals after which most buy) or
         * "balanced" (the mean of the share right among buyers and among the others; it rewards
         * catching buyers even at low precision, so it favours lower thresholds for hot colours).
         */
        metric: z.enum(["accuracy", "balanced"]).default("accuracy"),
        /** Share of the judged as-of dates (the earliest ones) used to choose; the rest validate. */
        chooseShare: z.number().gt(0).lt(1).default(0.5),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /** Alert when the red share of today's board is above this (add sales capacity). */
        redShare: share.default(0.15),
        /** Alert when the grey share rose by this much (relative) since the previous drop. */
        greyRise: z.number().min(0).default(0.2),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type ColourSettings = z.infer<typeof colourSettings>;
