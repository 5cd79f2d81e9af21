import type {Command} from "commander";
import {stderrLog} from "../progress.js";
import {parseAsOf, SAMPLE_DIR} from "./common.js";

export function registerSample(program: Command): void {
  program
    .command("sample")
    .description("generate seeded sample drops (default: the bundled two-month sample in data/sample)")
    .option("--out <dir>", "folder to write the drop folders into", SAMPLE_DIR)
    .option("--size <size>", "tiny (2k customers), small (10k), medium (100k) or large (1M)")
    .option("--seed <n>", "random seed", "1")
    .option("--as-of <date>", "as-of date of the drop, YYYY-MM-DD", parseAsOf)
    .action(async (options: {out: string; size?: string; seed: string; asOf?: string}) => {
      const log = stderrLog("sample");
      const {generateSample} = await import("../sample.js");
      const {generateSampleDrops} = await import("../sample-drops.js");
      if (!options.size && !options.asOf) return generateSampleDrops(options.out, log);
      const size = (options.size ?? "tiny") as "tiny" | "small" | "medium" | "large";
      if (!["tiny", "small", "medium", "large"].includes(size)) {
        throw new Error(`sample: --size must be tiny, small, medium or large, got ${JSON.stringify(options.size)}`);
      }
      const result = await generateSample({dir: options.out, size, seed: Number(options.seed), asOf: options.asOf});
      log(`wrote ${result.dir}: ${JSON.stringify(result.rows)}`);
    });
}
