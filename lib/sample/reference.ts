/**
 * Reference data of the sample world: countries with their activity patterns, places (phone area,
 * region, postcode, zone, language), the product catalogue and message texts. Everything here is
 * fixed; only lib/sample/world.ts draws random values, keyed on the seed.
 */

/** One row per country. Hours are local and fractional (17.25 = 17:15). */
export interface SampleCountry {
  country: string;
  /** Share of customers, in percent (all rows add up to 100). */
  weightPct: number;
  dial: string;
  /** Multiplies the base share of premium (high-spend) customers. */
  premiumFactor: number;
  /** Weekday peak of read and reply propensity, with its spread left and right of the peak (h). */
  weekdayPeak: number;
  weekdayLeftH: number;
  weekdayRightH: number;
  /** Weekend peak; the spread is weekendSpreadH on both sides. */
  weekendPeak: number;
  weekendSpreadH: number;
  /** ISO weekdays of the weekend (5 = Friday, 6 = Saturday, 7 = Sunday). */
  weekend: number[];
  /** Middle-East customers whose peaks move 2.5 h later during Ramadan. */
  ramadan: boolean;
  /** Local hours [start, end) (wrapping past midnight) in which a marketing send draws "stop" replies. */
  worstStart: number;
  worstEnd: number;
  /** Median hours from reading a campaign message to replying. */
  replyMedianH: number;
  /** Multiplies the reply probability. */
  replyFactor: number;
  /** Northern-hemisphere countries with a winter-jacket season in Nov–Jan. */
  winter: boolean;
}

const DEFAULT_PATTERN = {
  weekdayPeak: 19.5,
  weekdayLeftH: 1.2,
  weekdayRightH: 1.2,
  weekendPeak: 10,
  weekendSpreadH: 1.2,
  weekend: [6, 7],
  ramadan: false,
  worstStart: 1,
  worstEnd: 6,
  replyMedianH: 2,
  replyFactor: 1,
  winter: true,
};

type CountryRow = Pick<SampleCountry, "country" | "weightPct" | "dial" | "premiumFactor"> &
  Partial<SampleCountry>;

const MIDDLE_EAST = {
  weekdayPeak: 17.25,
  weekdayLeftH: 1,
  weekdayRightH: 1,
  weekendPeak: 15,
  weekendSpreadH: 1,
  ramadan: true,
  worstStart: 22,
  worstEnd: 4,
  winter: false,
};

const COUNTRY_ROWS: CountryRow[] = [
  {country: "IN", weightPct: 12, dial: "91", premiumFactor: 0.35, weekdayPeak: 21, weekdayLeftH: 1, weekdayRightH: 1, weekendPeak: 21, weekendSpreadH: 1, replyMedianH: 3.8, replyFactor: 0.8, winter: false},
  {country: "BR", weightPct: 9, dial: "55", premiumFactor: 0.6, weekdayPeak: 20, weekdayLeftH: 1, weekdayRightH: 1, weekendPeak: 20, weekendSpreadH: 1, replyMedianH: 0.9, replyFactor: 1.3, winter: false},
  {country: "US", weightPct: 8, dial: "1", premiumFactor: 1.5},
  {country: "MX", weightPct: 6, dial: "52", premiumFactor: 0.7, weekdayPeak: 11.25, weekdayLeftH: 1, weekdayRightH: 1, weekendPeak: 20, weekendSpreadH: 1, worstStart: 2, worstEnd: 5, replyFactor: 1.1, winter: false},
  {country: "AE", weightPct: 5, dial: "971", premiumFactor: 2.2, ...MIDDLE_EAST, replyMedianH: 1.2},
  {country: "SA", weightPct: 5, dial: "966", premiumFactor: 2.0, ...MIDDLE_EAST, weekend: [5, 6], replyMedianH: 1.5},
  {country: "ID", weightPct: 5, dial: "62", premiumFactor: 0.5, weekdayPeak: 20, weekendPeak: 19, winter: false},
  {country: "DE", weightPct: 4, dial: "49", premiumFactor: 1.3},
  {country: "GB", weightPct: 4, dial: "44", premiumFactor: 1.3},
  {country: "TW", weightPct: 3, dial: "886", premiumFactor: 1.1, weekdayPeak: 13.75, weekdayLeftH: 0.9, weekdayRightH: 0.35, weekendPeak: 21, weekendSpreadH: 1, worstStart: 3, worstEnd: 6},
  {country: "CA", weightPct: 3, dial: "1", premiumFactor: 1.2},
  {country: "FR", weightPct: 3, dial: "33", premiumFactor: 1.2},
  {country: "ES", weightPct: 3, dial: "34", premiumFactor: 1.0, weekdayPeak: 21},
  {country: "KR", weightPct: 3, dial: "82", premiumFactor: 1.3, weekdayPeak: 21.5, weekendPeak: 14},
  {country: "SG", weightPct: 2, dial: "65", premiumFactor: 1.6, winter: false},
  {country: "CH", weightPct: 2, dial: "41", premiumFactor: 2.0},
  {country: "AU", weightPct: 2, dial: "61", premiumFactor: 1.3, winter: false},
  {country: "JP", weightPct: 2, dial: "81", premiumFactor: 1.3, weekdayPeak: 21},
  {country: "NL", weightPct: 2, dial: "31", premiumFactor: 1.2},
  {country: "IT", weightPct: 2, dial: "39", premiumFactor: 1.0},
  {country: "TR", weightPct: 2, dial: "90", premiumFactor: 0.6},
  {country: "EG", weightPct: 2, dial: "20", premiumFactor: 0.4, ...MIDDLE_EAST, weekend: [5, 6], replyMedianH: 2.5},
  {country: "NG", weightPct: 2, dial: "234", premiumFactor: 0.4, winter: false},
  {country: "ZA", weightPct: 2, dial: "27", premiumFactor: 0.7, winter: false},
  {country: "PH", weightPct: 2, dial: "63", premiumFactor: 0.5, winter: false},
  {country: "MY", weightPct: 1, dial: "60", premiumFactor: 0.8, winter: false},
  {country: "TH", weightPct: 1, dial: "66", premiumFactor: 0.7, winter: false},
  {country: "VN", weightPct: 1, dial: "84", premiumFactor: 0.5, winter: false},
  {country: "CO", weightPct: 1, dial: "57", premiumFactor: 0.6, winter: false},
  {country: "PT", weightPct: 1, dial: "351", premiumFactor: 1.0},
];

export const SAMPLE_COUNTRIES: SampleCountry[] = COUNTRY_ROWS.map((row) => ({
  ...DEFAULT_PATTERN,
  ...row,
}));

/**
 * A place customers live in: the start of their national phone number (area code or mobile
 * prefix), how many random digits follow, their region and postcode, zone and languages.
 */
export interface SamplePlace {
  country: string;
  /** Relative weight within the country. */
  weight: number;
  /** National number prefix; `digits` random digits complete it. */
  area: string;
  digits: number;
  region: string | null;
  /** Postcode = prefix + `postcodeDigits` random digits + suffix; null prefix means no postcode. */
  postcodePrefix: string | null;
  postcodeDigits: number;
  postcodeSuffix: string;
  zone: string;
  language: string;
  /** A second language some customers here also write in, and the share who do. */
  language2: string | null;
  bilingualShare: number;
  /** Planted shipping-restricted area (inland Brazil, outer Indonesian islands). */
  restricted: boolean;
}

type PlaceTuple = [
  country: string,
  weight: number,
  area: string,
  digits: number,
  region: string | null,
  postcode: [string, number, string] | null,
  zone: string,
  language: string,
  language2?: [string, number],
  restricted?: boolean,
];

// US and CA areas are NANP area codes; world.ts draws the exchange from [2-9][2-9][0-9] (never an
// N11 code), so every number is valid and its area code names the zone. Every other place has at
// least 6 random digits, which world.ts fills with a bijection of the customer number: no two
// customers share a phone number.
const PLACE_TUPLES: PlaceTuple[] = [
  ["US", 5, "212", 7, "NY", ["100", 2, ""], "America/New_York", "en", ["es", 0.1]],
  ["US", 3, "305", 7, "FL", ["331", 2, ""], "America/New_York", "en", ["es", 0.3]],
  ["US", 3, "312", 7, "IL", ["606", 2, ""], "America/Chicago", "en"],
  ["US", 3, "713", 7, "TX", ["770", 2, ""], "America/Chicago", "en", ["es", 0.2]],
  ["US", 2, "303", 7, "CO", ["802", 2, ""], "America/Denver", "en"],
  ["US", 2, "602", 7, "AZ", ["850", 2, ""], "America/Phoenix", "en"],
  ["US", 4, "213", 7, "CA", ["900", 2, ""], "America/Los_Angeles", "en", ["es", 0.25]],
  ["US", 2, "206", 7, "WA", ["981", 2, ""], "America/Los_Angeles", "en"],
  ["CA", 4, "416", 7, "ON", ["M5V ", 1, "T6"], "America/Toronto", "en"],
  ["CA", 2, "647", 7, "ON", ["M4C ", 1, "B2"], "America/Toronto", "en"],
  ["CA", 2, "613", 7, "ON", ["K1P ", 1, "A4"], "America/Toronto", "en", ["fr", 0.3]],
  ["CA", 3, "514", 7, "QC", ["H2X ", 1, "Y7"], "America/Toronto", "fr", ["en", 0.5]],
  ["CA", 1, "418", 7, "QC", ["G1R ", 1, "P3"], "America/Toronto", "fr", ["en", 0.2]],
  ["CA", 3, "604", 7, "BC", ["V6B ", 1, "K9"], "America/Vancouver", "en"],
  ["CA", 2, "403", 7, "AB", ["T2P ", 1, "M5"], "America/Edmonton", "en"],
  ["IN", 3, "98", 8, "Maharashtra", ["400", 3, ""], "Asia/Kolkata", "en"],
  ["IN", 3, "99", 8, "Delhi", ["110", 3, ""], "Asia/Kolkata", "en"],
  ["IN", 2, "97", 8, "Karnataka", ["560", 3, ""], "Asia/Kolkata", "en"],
  ["IN", 2, "94", 8, "Tamil Nadu", ["600", 3, ""], "Asia/Kolkata", "en"],
  ["BR", 5, "1199", 7, "SP", ["01", 3, "-000"], "America/Sao_Paulo", "pt"],
  ["BR", 3, "2198", 7, "RJ", ["20", 3, "-010"], "America/Sao_Paulo", "pt"],
  ["BR", 1, "6199", 7, "DF", ["70", 3, "-100"], "America/Sao_Paulo", "pt"],
  ["BR", 1, "9299", 7, "AM", ["690", 2, "-000"], "America/Manaus", "pt", undefined, true],
  ["BR", 1, "9599", 7, "RR", ["693", 2, "-000"], "America/Boa_Vista", "pt", undefined, true],
  ["BR", 1, "6899", 7, "AC", ["699", 2, "-000"], "America/Rio_Branco", "pt", undefined, true],
  ["MX", 5, "5512", 6, "CDMX", ["06", 3, ""], "America/Mexico_City", "es"],
  ["MX", 2, "3312", 6, "JAL", ["44", 3, ""], "America/Mexico_City", "es"],
  ["MX", 2, "8112", 6, "NL", ["64", 3, ""], "America/Monterrey", "es"],
  ["MX", 1, "6641", 6, "BC", ["22", 3, ""], "America/Tijuana", "es", ["en", 0.2]],
  ["AE", 3, "50", 7, "Dubai", null, "Asia/Dubai", "ar", ["en", 0.3]],
  ["AE", 2, "55", 7, "Dubai", null, "Asia/Dubai", "en"],
  ["AE", 2, "56", 7, "Abu Dhabi", null, "Asia/Dubai", "ar"],
  ["SA", 3, "50", 7, "Riyadh", ["11", 3, ""], "Asia/Riyadh", "ar"],
  ["SA", 2, "55", 7, "Makkah", ["21", 3, ""], "Asia/Riyadh", "ar", ["en", 0.15]],
  ["SA", 1, "54", 7, "Eastern Province", ["31", 3, ""], "Asia/Riyadh", "ar"],
  ["ID", 5, "812", 8, "DKI Jakarta", ["10", 3, ""], "Asia/Jakarta", "id"],
  ["ID", 3, "813", 8, "Jawa Barat", ["40", 3, ""], "Asia/Jakarta", "id"],
  ["ID", 2, "821", 8, "Bali", ["80", 3, ""], "Asia/Makassar", "id", ["en", 0.15]],
  ["ID", 1, "822", 8, "Papua", ["99", 3, ""], "Asia/Jayapura", "id", undefined, true],
  ["ID", 1, "852", 8, "Maluku", ["97", 3, ""], "Asia/Jayapura", "id", undefined, true],
  ["ID", 1, "853", 8, "Nusa Tenggara Timur", ["85", 3, ""], "Asia/Makassar", "id", undefined, true],
  ["DE", 3, "151", 8, "Berlin", ["10", 3, ""], "Europe/Berlin", "de", ["en", 0.1]],
  ["DE", 2, "160", 7, "Bayern", ["80", 3, ""], "Europe/Berlin", "de"],
  ["DE", 2, "176", 8, "Hamburg", ["20", 3, ""], "Europe/Berlin", "de"],
  ["GB", 3, "7412", 6, "London", ["EC1A ", 1, "BB"], "Europe/London", "en"],
  ["GB", 2, "7400", 6, "Manchester", ["M1 ", 1, "AE"], "Europe/London", "en"],
  ["TW", 3, "912", 6, "Taipei", ["100", 0, ""], "Asia/Taipei", "zh"],
  ["TW", 2, "933", 6, "Taichung", ["400", 0, ""], "Asia/Taipei", "zh"],
  ["FR", 3, "612", 6, "Île-de-France", ["750", 2, ""], "Europe/Paris", "fr"],
  ["FR", 2, "760", 6, "Auvergne-Rhône-Alpes", ["690", 2, ""], "Europe/Paris", "fr"],
  ["ES", 3, "6", 8, "Madrid", ["280", 2, ""], "Europe/Madrid", "es"],
  ["ES", 2, "6", 8, "Cataluña", ["080", 2, ""], "Europe/Madrid", "es"],
  ["KR", 3, "1023", 6, "Seoul", ["0", 4, ""], "Asia/Seoul", "ko"],
  ["KR", 1, "1094", 6, "Busan", ["4", 4, ""], "Asia/Seoul", "ko"],
  ["SG", 1, "91", 6, null, ["01", 4, ""], "Asia/Singapore", "en", ["zh", 0.25]],
  ["CH", 3, "79", 7, "Zürich", ["80", 2, ""], "Europe/Zurich", "de", ["fr", 0.2]],
  ["CH", 1, "78", 7, "Bern", ["30", 2, ""], "Europe/Zurich", "de", ["fr", 0.35]],
  ["CH", 2, "76", 7, "Genève", ["12", 2, ""], "Europe/Zurich", "fr", ["de", 0.2]],
  ["AU", 3, "412", 6, "NSW", ["20", 2, ""], "Australia/Sydney", "en"],
  ["AU", 2, "423", 6, "VIC", ["30", 2, ""], "Australia/Melbourne", "en"],
  ["AU", 1, "438", 6, "WA", ["60", 2, ""], "Australia/Perth", "en"],
  ["JP", 1, "903", 7, "Tokyo", ["100-", 4, ""], "Asia/Tokyo", "ja"],
  ["NL", 1, "61", 7, "Noord-Holland", ["10", 2, " AB"], "Europe/Amsterdam", "nl", ["en", 0.2]],
  ["IT", 1, "347", 7, "Lombardia", ["201", 2, ""], "Europe/Rome", "it"],
  ["TR", 1, "532", 7, "İstanbul", ["34", 3, ""], "Europe/Istanbul", "tr"],
  ["EG", 1, "10", 8, "Cairo", ["11", 3, ""], "Africa/Cairo", "ar", ["en", 0.1]],
  ["NG", 1, "803", 7, "Lagos", ["100", 3, ""], "Africa/Lagos", "en"],
  ["ZA", 1, "82", 7, "Gauteng", ["20", 2, ""], "Africa/Johannesburg", "en"],
  ["PH", 1, "917", 7, "Metro Manila", ["10", 2, ""], "Asia/Manila", "en"],
  ["MY", 1, "12", 7, "Kuala Lumpur", ["50", 3, ""], "Asia/Kuala_Lumpur", "en", ["zh", 0.2]],
  ["TH", 1, "81", 7, "Bangkok", ["10", 3, ""], "Asia/Bangkok", "th"],
  ["VN", 1, "90", 7, "Hà Nội", ["100", 3, ""], "Asia/Ho_Chi_Minh", "vi"],
  ["CO", 1, "310", 7, "Bogotá", ["110", 3, ""], "America/Bogota", "es"],
  ["PT", 1, "91", 7, "Lisboa", ["1000-", 3, ""], "Europe/Lisbon", "pt"],
];

export const SAMPLE_PLACES: SamplePlace[] = PLACE_TUPLES.map(
  ([country, weight, area, digits, region, postcode, zone, language, second, restricted]) => ({
    country,
    weight,
    area,
    digits,
    region,
    postcodePrefix: postcode?.[0] ?? null,
    postcodeDigits: postcode?.[1] ?? 0,
    postcodeSuffix: postcode?.[2] ?? "",
    zone,
    language,
    language2: second?.[0] ?? null,
    bilingualShare: second?.[1] ?? 0,
    restricted: restricted ?? false,
  }),
);

/** A catalogue row. `rank` orders Zipf popularity; anchors are bought only through planted paths. */
export interface SampleProduct {
  sku: string;
  product: string;
  category: string;
  price: number;
  rank: number;
  /** Drawn by ordinary orders (Zipf by rank); false for planted anchors and seasonal items. */
  randomPick: boolean;
}

/** The planted products, in the order of their Zipf rank among the random picks. */
const PLANTED: Omit<SampleProduct, "rank">[] = [
  {sku: "COF-BEAN-1KG", product: "Coffee beans 1 kg", category: "coffee", price: 24, randomPick: true},
  {sku: "ACC-PB20K", product: "20000mAh power bank", category: "phone accessories", price: 39, randomPick: true},
  {sku: "BAB-DIAP-4", product: "Diapers size 4, 64 pack", category: "baby", price: 32, randomPick: true},
  {sku: "ACC-CASE-01", product: "Phone case Nova 5G", category: "phone accessories", price: 19, randomPick: true},
  {sku: "OUT-SPRAY-01", product: "Waterproof spray 300 ml", category: "outdoor", price: 12, randomPick: true},
  {sku: "COF-MACH-01", product: "Espresso machine Barista Pro", category: "coffee", price: 349, randomPick: false},
  {sku: "OUT-BOOT-01", product: "Hiking boots Trail GTX", category: "outdoor", price: 159, randomPick: false},
  {sku: "ELE-PHONE-01", product: "Smartphone Nova 5G", category: "electronics", price: 449, randomPick: false},
  {sku: "ELE-IP15P", product: "iPhone 15 Pro 256 GB", category: "electronics", price: 1099, randomPick: false},
  {sku: "ELE-XM14", product: "Xiaomi 14 256 GB", category: "electronics", price: 599, randomPick: false},
  {sku: "ELE-LAP-14", product: "Laptop 14 inch", category: "electronics", price: 899, randomPick: false},
  {sku: "HOM-TV-55", product: "55-inch 4K TV", category: "home", price: 649, randomPick: false},
  {sku: "FAS-WJ-01", product: "Winter jacket Alpine", category: "fashion", price: 129, randomPick: false},
  {sku: "FAS-WJ-02", product: "Winter jacket Down Parka", category: "fashion", price: 189, randomPick: false},
  {sku: "FAS-WJ-03", product: "Winter jacket Puffer Kids", category: "fashion", price: 79, randomPick: false},
  {sku: "FAS-WJ-04", product: "Winter jacket Wool Coat", category: "fashion", price: 229, randomPick: false},
];

/** Seasonal SKUs, sold only in orders placed in local November–January. */
export const WINTER_JACKETS = ["FAS-WJ-01", "FAS-WJ-02", "FAS-WJ-03", "FAS-WJ-04"];

/** Per category: SKU prefix, price range, and product nouns that the generic SKUs cycle through. */
const CATEGORIES: [category: string, prefix: string, low: number, high: number, nouns: string[]][] = [
  ["coffee", "COF", 6, 180, ["Ground coffee 250 g", "Milk frother", "Coffee grinder", "Pour-over kettle", "Espresso cups", "Cold brew bottle", "Decaf beans 500 g", "Descaler"]],
  ["electronics", "ELE", 15, 720, ["Wireless earbuds", "Smart watch", "Bluetooth speaker", "Tablet 10 inch", "E-reader", "Action camera", "Monitor 27 inch", "Keyboard"]],
  ["phone accessories", "ACC", 5, 90, ["USB-C cable", "Wall charger 30 W", "Screen protector", "Car mount", "Wireless charger", "Selfie stick", "Phone ring", "Cable organiser"]],
  ["baby", "BAB", 5, 420, ["Baby wipes", "Feeding bottle", "Stroller", "Baby monitor", "Teething toy", "Baby lotion", "Car seat", "Sleeping bag"]],
  ["outdoor", "OUT", 8, 380, ["Trekking poles", "Daypack 25 l", "Headlamp", "Tent 2-person", "Sleeping mat", "Water filter", "Rain jacket", "Camping stove"]],
  ["fashion", "FAS", 12, 240, ["T-shirt", "Jeans", "Sneakers", "Summer dress", "Hoodie", "Leather belt", "Scarf", "Sunglasses"]],
  ["beauty", "BEA", 6, 160, ["Face serum", "Lipstick", "Sunscreen SPF 50", "Night cream", "Shampoo", "Perfume 50 ml", "Makeup brush set", "Hair dryer"]],
  ["home", "HOM", 8, 560, ["Air fryer", "Bed sheets", "Desk lamp", "Vacuum cleaner", "Cookware set", "Blender", "Towel set", "Air purifier"]],
  ["sports", "SPO", 8, 450, ["Yoga mat", "Running shoes", "Dumbbells 2x5 kg", "Fitness tracker", "Football", "Tennis racket", "Gym bag", "Exercise bike"]],
  ["toys", "TOY", 6, 150, ["Building blocks", "Puzzle 1000", "Plush bear", "RC car", "Board game", "Doll house", "Science kit", "Drawing set"]],
  ["grocery", "GRO", 3, 45, ["Green tea", "Olive oil", "Dark chocolate", "Honey", "Protein bars", "Dates 1 kg", "Spice set", "Granola"]],
  ["pets", "PET", 4, 130, ["Dog food 10 kg", "Cat litter", "Pet bed", "Chew toy", "Cat tree", "Leash", "Pet shampoo", "Aquarium filter"]],
];

const VARIANTS = ["", " Plus", " Mini", " Pro"];

/**
 * The ~200-SKU catalogue: the planted products plus generic SKUs in 12 categories. Prices and
 * Zipf ranks are a fixed function of the position (no seed), so every sample shares one catalogue.
 */
export function sampleCatalogue(): SampleProduct[] {
  const products: SampleProduct[] = [];
  const generic: Omit<SampleProduct, "rank">[] = [];
  CATEGORIES.forEach(([category, prefix, low, high, nouns], c) => {
    for (let i = 0; i < 16; i++) {
      const noun = nouns[i % nouns.length]!;
      const variant = VARIANTS[Math.floor(i / nouns.length)] ?? "";
      // A fixed low-discrepancy spread of prices over the category's log range.
      const t = (i * 0.618034 + c * 0.381966) % 1;
      const price = Math.floor(low * Math.pow(high / low, t)) + 0.99;
      generic.push({
        sku: `${prefix}-${String(i + 1).padStart(3, "0")}`,
        product: `${noun}${variant}`,
        category,
        price,
        randomPick: true,
      });
    }
  });

  // Interleave so that popularity ranks mix categories (rank 1 is the most popular random pick);
  // the planted consumables sit at ranks 41–85, popular enough to sell alone but not so popular
  // that every customer buys them, which would hide the planted pairs.
  const picks = [...PLANTED.filter((p) => p.randomPick)];
  const order = generic.map((p, i) => ({p, key: (i * 0.754877666) % 1})).sort((a, b) => a.key - b.key);
  let rank = 0;
  for (let i = 0; i < order.length; i++) {
    if (i >= 40 && i % 10 === 0 && picks.length > 0) products.push({...picks.shift()!, rank: ++rank});
    products.push({...order[i]!.p, rank: ++rank});
  }
  for (const p of [...picks, ...PLANTED.filter((q) => !q.randomPick)]) products.push({...p, rank: ++rank});
  return products;
}

/** Categories customers pick a favourite from. */
export const SAMPLE_CATEGORIES = CATEGORIES.map(([category]) => category);

/**
 * Products customers ask about in their own messages (deal episodes), with the words they use;
 * the words are the same in every language, as shoppers write model names as they are sold.
 */
export const INQUIRY_PRODUCTS: [sku: string, words: string, weight: number][] = [
  ["ACC-PB20K", "20000mAh power bank", 3],
  ["ELE-IP15P", "iPhone 15 Pro", 3],
  ["ELE-XM14", "Xiaomi 14", 2],
  ["ELE-LAP-14", "laptop 14 inch", 1],
  // Not the espresso machine: its buyers carry the planted machine → beans rule, which quoted
  // purchases (without the beans that follow) would dilute.
  ["HOM-TV-55", "55-inch 4K TV", 2],
];

/** Kinds of inbound text; `{p}` is replaced with the product words. */
export type TextKind = "hello" | "ask" | "quote" | "compare" | "buy" | "thanks" | "question" | "stop";

export const TEXT_KINDS: TextKind[] = ["hello", "ask", "quote", "compare", "buy", "thanks", "question", "stop"];

/** Inbound message texts per language, in TEXT_KINDS order. */
export const SAMPLE_TEXTS: Record<string, string[]> = {
  en: [
    "Hi! I found your shop on Instagram and would like to know more about your products.",
    "Hello, do you have the {p}? What is the price and how long is the delivery?",
    "Could you please send me a quote for the {p}? I need it for next week.",
    "Thanks for the quote. I want to compare it with another shop before I decide.",
    "Great, I will take the {p}. How can I pay?",
    "Thank you, this looks interesting! I will have a look later today.",
    "Do you still have the {p} in stock? What is the best price you can give me?",
    "Please stop sending me these messages.",
  ],
  ar: [
    "مرحبا، وجدت متجركم على إنستغرام وأريد أن أعرف المزيد عن منتجاتكم.",
    "السلام عليكم، هل عندكم {p}؟ كم السعر وكم يستغرق التوصيل؟",
    "ممكن ترسل لي عرض سعر للـ {p}؟ أحتاجه الأسبوع القادم.",
    "شكرا على العرض. أريد أن أقارن السعر مع متجر آخر قبل أن أقرر.",
    "ممتاز، سآخذ {p}. كيف يمكنني الدفع؟",
    "شكرا لكم، هذا يبدو مثيرا للاهتمام! سأطلع عليه لاحقا اليوم.",
    "هل ما زال {p} متوفرا؟ ما هو أفضل سعر عندكم؟",
    "من فضلك توقف عن إرسال هذه الرسائل.",
  ],
  pt: [
    "Olá! Encontrei a sua loja no Instagram e gostaria de saber mais sobre os seus produtos.",
    "Oi, vocês têm o {p}? Qual é o preço e quanto tempo demora a entrega?",
    "Você pode me enviar um orçamento para o {p}? Preciso dele na próxima semana.",
    "Obrigado pelo orçamento. Quero comparar com outra loja antes de decidir.",
    "Ótimo, vou levar o {p}. Como posso pagar?",
    "Obrigado, parece muito interessante! Vou dar uma olhada mais tarde.",
    "Vocês ainda têm o {p} em estoque? Qual é o melhor preço que podem fazer?",
    "Por favor, parem de me enviar essas mensagens.",
  ],
  es: [
    "¡Hola! Encontré tu tienda en Instagram y me gustaría saber más sobre tus productos.",
    "Hola, ¿tienen el {p}? ¿Cuál es el precio y cuánto tarda el envío?",
    "¿Me puedes enviar una cotización para el {p}? Lo necesito para la próxima semana.",
    "Gracias por la cotización. Quiero comparar con otra tienda antes de decidir.",
    "Perfecto, me llevo el {p}. ¿Cómo puedo pagar?",
    "Gracias, ¡se ve muy interesante! Lo voy a revisar más tarde.",
    "¿Todavía tienen el {p} disponible? ¿Cuál es el mejor precio que me pueden dar?",
    "Por favor, dejen de enviarme estos mensajes.",
  ],
  de: [
    "Hallo! Ich habe Ihren Shop auf Instagram gefunden und möchte mehr über Ihre Produkte erfahren.",
    "Guten Tag, haben Sie das {p}? Was ist der Preis und wie lange dauert die Lieferung?",
    "Könnten Sie mir bitte ein Angebot für das {p} schicken? Ich brauche es nächste Woche.",
    "Danke für das Angebot. Ich möchte es noch mit einem anderen Shop vergleichen, bevor ich mich entscheide.",
    "Super, ich nehme das {p}. Wie kann ich bezahlen?",
    "Vielen Dank, das sieht interessant aus! Ich schaue es mir später genauer an.",
    "Haben Sie das {p} noch auf Lager? Was ist Ihr bester Preis?",
    "Bitte schicken Sie mir keine Nachrichten mehr.",
  ],
  fr: [
    "Bonjour ! J'ai trouvé votre boutique sur Instagram et je voudrais en savoir plus sur vos produits.",
    "Bonjour, avez-vous le {p} ? Quel est le prix et combien de temps prend la livraison ?",
    "Pourriez-vous m'envoyer un devis pour le {p} ? J'en ai besoin la semaine prochaine.",
    "Merci pour le devis. Je veux comparer avec une autre boutique avant de me décider.",
    "Parfait, je prends le {p}. Comment est-ce que je peux payer ?",
    "Merci, cela a l'air très intéressant ! Je vais regarder plus tard dans la journée.",
    "Avez-vous encore le {p} en stock ? Quel est votre meilleur prix ?",
    "Merci d'arrêter de m'envoyer ces messages.",
  ],
  ko: [
    "안녕하세요! 인스타그램에서 가게를 보고 제품에 대해 더 알고 싶어서 연락드립니다.",
    "안녕하세요, {p} 있나요? 가격이 얼마이고 배송은 얼마나 걸리나요?",
    "{p} 견적서를 보내주실 수 있나요? 다음 주에 필요합니다.",
    "견적 감사합니다. 결정하기 전에 다른 가게와 가격을 비교해 보고 싶어요.",
    "좋아요, {p} 살게요. 어떻게 결제하면 되나요?",
    "감사합니다, 정말 관심이 가네요! 오늘 나중에 자세히 볼게요.",
    "{p} 아직 재고 있나요? 가장 좋은 가격이 얼마인가요?",
    "이런 메시지 그만 보내 주세요.",
  ],
  zh: [
    "你好！我在Instagram上看到你们的店，想多了解一下你们的产品。",
    "你好，请问有{p}吗？价格是多少，送货需要多久？",
    "可以给我发一份{p}的报价吗？我下周需要。",
    "谢谢你的报价。我想先和别的店比较一下价格再决定。",
    "好的，我要买{p}。请问怎么付款？",
    "谢谢，看起来很有意思！我今天晚些时候再仔细看看。",
    "{p}还有货吗？你们最优惠的价格是多少？",
    "请不要再给我发这些消息了。",
  ],
  id: [
    "Halo! Saya menemukan toko Anda di Instagram dan ingin tahu lebih banyak tentang produk Anda.",
    "Halo, apakah ada {p}? Berapa harganya dan berapa lama pengirimannya?",
    "Bisa tolong kirimkan penawaran harga untuk {p}? Saya membutuhkannya minggu depan.",
    "Terima kasih atas penawarannya. Saya mau bandingkan dulu dengan toko lain sebelum memutuskan.",
    "Oke, saya ambil {p}. Bagaimana cara membayarnya?",
    "Terima kasih, kelihatannya menarik sekali! Nanti saya lihat lagi.",
    "Apakah {p} masih ada stok? Berapa harga terbaik yang bisa diberikan?",
    "Tolong berhenti mengirimkan pesan seperti ini kepada saya.",
  ],
  ja: [
    "こんにちは！インスタグラムでお店を見つけました。商品についてもっと知りたいです。",
    "こんにちは、{p}はありますか？価格と配送にかかる日数を教えてください。",
    "{p}の見積もりを送っていただけますか？来週までに必要です。",
    "見積もりありがとうございます。決める前に他のお店と比較したいと思います。",
    "では{p}を購入します。支払い方法を教えてください。",
    "ありがとうございます、とても面白そうです！後でゆっくり見てみます。",
    "{p}はまだ在庫がありますか？一番安い価格はいくらですか？",
    "このようなメッセージを送らないでください。",
  ],
  it: [
    "Ciao! Ho trovato il vostro negozio su Instagram e vorrei sapere di più sui vostri prodotti.",
    "Buongiorno, avete il {p}? Qual è il prezzo e quanto tempo ci vuole per la consegna?",
    "Potreste mandarmi un preventivo per il {p}? Mi serve la settimana prossima.",
    "Grazie per il preventivo. Voglio confrontare con un altro negozio prima di decidere.",
    "Perfetto, prendo il {p}. Come posso pagare?",
    "Grazie, sembra molto interessante! Ci darò un'occhiata più tardi.",
    "Avete ancora il {p} disponibile? Qual è il vostro prezzo migliore?",
    "Per favore smettete di mandarmi questi messaggi.",
  ],
  nl: [
    "Hallo! Ik heb jullie winkel op Instagram gevonden en wil graag meer weten over jullie producten.",
    "Hallo, hebben jullie de {p}? Wat is de prijs en hoe lang duurt de levering?",
    "Kunnen jullie mij een offerte sturen voor de {p}? Ik heb hem volgende week nodig.",
    "Bedankt voor de offerte. Ik wil het eerst vergelijken met een andere winkel voordat ik beslis.",
    "Prima, ik neem de {p}. Hoe kan ik betalen?",
    "Dank je wel, dat ziet er interessant uit! Ik kijk er later vandaag naar.",
    "Hebben jullie de {p} nog op voorraad? Wat is jullie beste prijs?",
    "Stuur me alsjeblieft geen berichten meer.",
  ],
  tr: [
    "Merhaba! Mağazanızı Instagram'da buldum ve ürünleriniz hakkında daha fazla bilgi almak istiyorum.",
    "Merhaba, {p} var mı? Fiyatı nedir ve teslimat ne kadar sürer?",
    "{p} için bana bir fiyat teklifi gönderebilir misiniz? Gelecek hafta lazım.",
    "Teklif için teşekkürler. Karar vermeden önce başka bir mağazayla karşılaştırmak istiyorum.",
    "Harika, {p} alıyorum. Nasıl ödeme yapabilirim?",
    "Teşekkürler, çok ilginç görünüyor! Bugün daha sonra bakacağım.",
    "{p} hâlâ stokta var mı? Verebileceğiniz en iyi fiyat nedir?",
    "Lütfen bana bu mesajları göndermeyi bırakın.",
  ],
  th: [
    "สวัสดีครับ เจอร้านของคุณในอินสตาแกรม อยากทราบข้อมูลสินค้าเพิ่มเติมครับ",
    "สวัสดีค่ะ มี {p} ไหมคะ ราคาเท่าไหร่ และจัดส่งกี่วันคะ",
    "ช่วยส่งใบเสนอราคาสำหรับ {p} ให้หน่อยได้ไหมครับ ต้องใช้สัปดาห์หน้า",
    "ขอบคุณสำหรับใบเสนอราคา ขอเปรียบเทียบกับร้านอื่นก่อนตัดสินใจนะคะ",
    "ตกลงครับ ผมจะซื้อ {p} ชำระเงินอย่างไรครับ",
    "ขอบคุณค่ะ น่าสนใจมาก เดี๋ยวจะเข้าไปดูอีกทีนะคะ",
    "{p} ยังมีของอยู่ไหมครับ ราคาที่ดีที่สุดเท่าไหร่ครับ",
    "กรุณาหยุดส่งข้อความแบบนี้มาหาฉัน",
  ],
  vi: [
    "Xin chào! Tôi thấy cửa hàng của bạn trên Instagram và muốn biết thêm về các sản phẩm.",
    "Chào bạn, bên bạn có {p} không? Giá bao nhiêu và giao hàng mất bao lâu?",
    "Bạn có thể gửi cho tôi báo giá cho {p} được không? Tôi cần vào tuần sau.",
    "Cảm ơn báo giá. Tôi muốn so sánh với cửa hàng khác trước khi quyết định.",
    "Tuyệt, tôi sẽ mua {p}. Tôi thanh toán như thế nào?",
    "Cảm ơn bạn, trông rất thú vị! Tôi sẽ xem kỹ hơn sau.",
    "Bên bạn còn hàng {p} không? Giá tốt nhất là bao nhiêu?",
    "Làm ơn đừng gửi những tin nhắn này cho tôi nữa.",
  ],
};

/** Given names per language, for the optional name column. */
export const SAMPLE_NAMES: Record<string, string[]> = {
  en: ["James", "Olivia", "Aarav", "Priya", "Emma", "Noah", "Chloe", "Liam"],
  ar: ["محمد", "فاطمة", "أحمد", "نورة", "خالد", "سارة", "عبدالله", "مريم"],
  pt: ["João", "Maria", "Lucas", "Ana", "Gabriel", "Juliana", "Pedro", "Beatriz"],
  es: ["José", "Sofía", "Diego", "Valentina", "Carlos", "Lucía", "Mateo", "Camila"],
  de: ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie"],
  fr: ["Louis", "Camille", "Hugo", "Léa", "Jules", "Manon", "Arthur", "Chloé"],
  ko: ["민준", "서연", "도윤", "지우", "하준", "서윤", "주원", "하은"],
  zh: ["志明", "淑芬", "家豪", "怡君", "俊傑", "雅婷", "冠宇", "佳穎"],
  id: ["Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Nur"],
  ja: ["蓮", "陽葵", "湊", "凛", "大翔", "結菜", "悠真", "葵"],
  it: ["Marco", "Giulia", "Luca", "Francesca", "Matteo", "Chiara", "Andrea", "Sara"],
  nl: ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Finn", "Sophie"],
  tr: ["Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Ayşe", "Can", "Defne"],
  th: ["สมชาย", "สมหญิง", "ณัฐ", "พิมพ์", "ธนา", "กานต์", "วีระ", "มาลี"],
  vi: ["Minh", "Lan", "Huy", "Hương", "Tuấn", "Mai", "Nam", "Linh"],
};

/** Names of the weekly campaigns, cycled; seasonal ones are picked by date in world.ts. */
export const CAMPAIGN_NAMES = [
  "Weekly picks",
  "New arrivals",
  "Members' offer",
  "Back in stock",
  "Weekend deal",
  "Tips and tutorials",
  "Bundle savings",
  "Flash sale",
];
