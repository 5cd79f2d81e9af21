import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

/**
 * The real public exports the tests read: `../shared/realdata` beside the project (where CI puts
 * it), or the folder named by TAGBOOK_REALDATA. They are never copied into the project.
 */
export const REALDATA_DIR =
  process.env.TAGBOOK_REALDATA ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/realdata");

/** A path inside the real-data folder. */
export function realdata(...parts: string[]): string {
  return join(REALDATA_DIR, ...parts);
}
