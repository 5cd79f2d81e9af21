import type {Settings} from "../settings/index.js";

/** One tagging rule in plain words, with the settings that decide it. */
export interface RuleExplanation {
  family: string;
  rule: string;
  settings: string[];
}

/**
 * The tag rules of the core families as sentences filled in with the current settings, for the
 * Rules page. Analyses (tiers, send windows, colours) explain their own rules on their pages.
 */
export function explainTagRules(settings: Settings): RuleExplanation[] {
  const t = settings.tags;
  const f = t.frequency;
  const i = t.interaction;
  const bounds = Object.entries(t.orderValue.bounds)
    .map(([currency, [low, high]]) => `${currency}: low below ${low}, high above ${high}`)
    .join("; ");
  return [
    {
      family: "frequency",
      rule: `Purchase days are the customer's local calendar dates with a paid order in the last ${f.windowMonths} months (several orders on one day are one purchase day). A mean gap of at most ${f.monthlyMaxGapDays} days makes a monthly buyer, at most ${f.quarterlyMaxGapDays} days a quarterly buyer, else a yearly buyer. With one purchase day, the days since it are used instead of the gap.`,
      settings: ["tags.frequency.windowMonths", "tags.frequency.monthlyMaxGapDays", "tags.frequency.quarterlyMaxGapDays"],
    },
    {
      family: "order value",
      rule: `Mean value of the paid orders in the same window, against fixed bounds per currency (${bounds}). A currency without bounds is ranked within the shop instead: the top 15% high, the next 35% mid.`,
      settings: ["tags.orderValue.bounds"],
    },
    {
      family: "interest",
      rule: `Categories bought in the last ${t.interest.fadeMonths} months, and keywords, parameters (such as "${t.interest.parameters[0]?.min ?? 20000} ${t.interest.parameters[0]?.unit ?? "mAh"}") and brand words found in the customer's own messages of that period. Older interests fade.`,
      settings: ["tags.interest.categories", "tags.interest.keywords", "tags.interest.parameters", "tags.interest.budgetWords", "tags.interest.fadeMonths"],
    },
    {
      family: "interaction",
      rule: `Over the last ${i.windowDays} days: "replies often" when the customer answered (wrote within 24 hours of) at least ${Math.round(i.repliesOftenRate * 100)}% of our messages, else "reads only" when at least ${Math.round(i.readsRate * 100)}% of delivered messages were read, else "does not read". Also "active ${i.activeDays} days" (wrote or read recently), "silent ${i.silentDays} days" (has not written) and "unread ${i.unreadDays} days" (read none of our messages).`,
      settings: ["tags.interaction.windowDays", "tags.interaction.repliesOftenRate", "tags.interaction.readsRate", "tags.interaction.activeDays", "tags.interaction.silentDays", "tags.interaction.unreadDays"],
    },
    {
      family: "source",
      rule: "The customer's acquisition source column, as written (\"unknown\" when empty).",
      settings: [],
    },
    {
      family: "lifecycle",
      rule: `Dormant after ${t.lifecycle.dormantDays} or more whole local calendar days since the last interaction (an order or a message from the customer; reading is not an interaction). Otherwise new with one purchase day, returning with two or more, prospect with none.`,
      settings: ["tags.lifecycle.dormantDays"],
    },
    {
      family: "country",
      rule: "The country column when present; else the phone number's calling code, and for codes that several countries share (+1, +7, +44…) the whole number, so a Canadian or Jamaican +1 number is never taken for the US. A number that fits no country is unknown.",
      settings: [],
    },
    {
      family: "time zone",
      rule: "The time_zone column when it is an IANA zone; else the zone of the number's prefix when the prefix lies in one zone, or the country's zone when it has only one. Otherwise unknown: such customers are left out of local-time heatmaps rather than guessed.",
      settings: [],
    },
    {
      family: "language",
      rule: "The language column (\"de/en\" gives the bilingual tag DE/EN); else detected from the customer's own messages by script and common words. Two languages that each make up at least 30% of the messages give a bilingual tag.",
      settings: [],
    },
    {
      family: "shipping",
      rule: "Customers whose country and region or postcode prefix are on the shipping-restricted list.",
      settings: ["tags.shippingRestricted"],
    },
    {
      family: "trigger",
      rule: `"dormant" as above; "downgrade" for a top-tier customer with no purchase for ${settings.tiers.downgradeMonths} months; "priority follow-up" when the last 7 days hold at least ${t.triggers.surgeMinEvents} interactions and ${t.triggers.surgeFactor} times the weekly mean of the 8 weeks before.`,
      settings: ["tiers.downgradeMonths", "tags.triggers.surgeFactor", "tags.triggers.surgeMinEvents"],
    },
  ];
}
