import {promisingSql, serveTierCsv} from "../../loaders/spend.js";

await serveTierCsv("promising.csv", (asOf, _previous, settings) => promisingSql(asOf, settings));
