import {resolve} from "node:path";
import type {Command} from "commander";
import {buildSite} from "../site.js";
import {timed} from "../progress.js";
import {prepareWarehouse, withDataOptions, type DataOptions} from "./common.js";

export function registerBuild(program: Command): void {
  withDataOptions(program.command("build"))
    .description("ingest a drop (default: the bundled sample) and build the report site into dist/")
    .option("--no-site", "update the warehouse only; skip the site build")
    .action(async (options: DataOptions & {site: boolean}) => {
      const started = performance.now();
      // The site always shows the warehouse's newest drop, so without --drop (where it names the
      // ingested drop's date) an --as-of would be ignored; say so instead.
      if (options.asOf && !options.drop) {
        throw new Error(
          `build: --as-of ${options.asOf} sets the date of the drop being ingested and needs --drop; ` +
            "the site always shows the newest drop of the warehouse (the report commands take --as-of alone)",
        );
      }
      // Loaders run in their own processes and read the settings file from the environment.
      if (options.settings) process.env.TAGBOOK_SETTINGS = resolve(options.settings);
      const {warehouse, asOf, log} = await prepareWarehouse(
        {...options, drop: options.drop, fresh: options.fresh},
        "build",
      );
      if (options.site) await timed(log, "site build", () => buildSite(warehouse));
      log(`as of ${asOf}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
}
