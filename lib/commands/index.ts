import type {Command} from "commander";
import {registerBuild} from "./build.js";
import {registerCheck} from "./check.js";
import {registerColours} from "./colours.js";
import {registerSample} from "./sample.js";
import {registerRules} from "./rules.js";
import {registerSegments} from "./segments.js";
import {registerTags} from "./tags.js";
import {registerTiers} from "./tiers.js";
import {registerWindows} from "./windows.js";

/** Every tagbook command; each file registers one (analyses add theirs here). */
export const COMMANDS: ((program: Command) => void)[] = [
  registerBuild,
  registerCheck,
  registerSample,
  registerTags,
  registerTiers,
  registerRules,
  registerWindows,
  registerColours,
  registerSegments,
];
