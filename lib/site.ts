import {spawn} from "node:child_process";
import {rmSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

/** The project root (where observablehq.config.ts lives), whatever the working directory. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Builds the static site into dist/ (TAGBOOK_DIST names another folder) from the warehouse.
 *
 * Framework reuses a cached loader output whenever one exists, whatever its age, so a new drop
 * would otherwise leave the pages showing the old data. Loader outputs are cleared before every
 * build;
 * each loader then reads the warehouse named by TAGBOOK_WAREHOUSE.
 */
export async function buildSite(warehouse: string): Promise<void> {
  // Only loader outputs (all under src/data) are cleared: the bundles Framework makes of
  // node_modules (_node/) depend on package versions alone, and rebuilding them costs a minute.
  rmSync(join(PROJECT_ROOT, "src/.observablehq/cache/data"), {recursive: true, force: true});
  // A stale dist/ from an earlier build makes Framework stop with "file conflict".
  rmSync(resolve(PROJECT_ROOT, process.env.TAGBOOK_DIST ?? "dist"), {recursive: true, force: true});
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve("@observablehq/framework/package.json")), "dist/bin/observable.js");
  const env = {...process.env, TAGBOOK_WAREHOUSE: resolve(warehouse)};
  // Per-customer downloads are written as plain files first, in one process (loaders/downloads.ts).
  await runNode([require.resolve("tsx/cli"), join(PROJECT_ROOT, "loaders/downloads.ts")], env, "downloads");
  await runNode([cli, "build"], env, "site build");
}

function runNode(args: string[], env: NodeJS.ProcessEnv, label: string): Promise<void> {
  return new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env,
    });
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`${label} failed (exit code ${code})`))));
  });
}
