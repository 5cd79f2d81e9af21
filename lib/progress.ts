/** A function that reports progress to people (the CLI sends it to stderr; tests ignore it). */
export type Log = (message: string) => void;

/** A logger that prefixes each line with a name and the seconds since it was made. */
export function stderrLog(name: string): Log {
  const started = performance.now();
  return (message) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`[${name} +${seconds}s] ${message}\n`);
  };
}

/** Runs a step, logging its duration; returns its result. */
export async function timed<T>(log: Log, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  log(`${step}…`);
  const result = await work();
  log(`${step} done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}
