import {Command, Option} from "commander";
import {COMMANDS} from "./commands/index.js";

/**
 * The tagbook command line. Every command prints data (or nothing) on stdout and progress,
 * timings and errors on stderr, and exits non-zero on failure.
 */
const program = new Command("tagbook")
  .description("Tag WhatsApp shop customers from order and message exports, and build the report site.")
  .showHelpAfterError()
  .addOption(new Option("--debug", "show stack traces on errors").hideHelp());

for (const register of COMMANDS) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tagbook: ${message}\n`);
  if (process.argv.includes("--debug") && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
