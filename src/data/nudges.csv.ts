import {nudgesSql, serveTierCsv} from "../../loaders/spend.js";

await serveTierCsv("nudges.csv", (asOf, _previous, settings) => nudgesSql(asOf, settings));
