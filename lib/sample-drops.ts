import type {Log} from "./progress.js";
import {generateSample} from "./sample.js";

/** The as-of dates of the bundled sample: two monthly drops, so reports can show movement. */
export const SAMPLE_AS_OF = ["2026-10-31", "2026-11-30"];

/** Writes the bundled sample drops (size "tiny", seed 1) under `dir`, one folder per as-of date. */
export async function generateSampleDrops(dir: string, log: Log): Promise<void> {
  for (const asOf of SAMPLE_AS_OF) {
    const started = performance.now();
    const result = await generateSample({dir, size: "tiny", seed: 1, asOf});
    const rows = Object.entries(result.rows).map(([t, n]) => `${t} ${n}`).join(", ");
    log(`sample drop ${asOf}: ${rows} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}
