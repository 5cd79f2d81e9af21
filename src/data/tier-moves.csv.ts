import {movesSql, serveTierCsv} from "../../loaders/spend.js";

await serveTierCsv("tier-moves.csv", (asOf, previous) => movesSql(asOf, previous));
