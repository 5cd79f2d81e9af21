import {settingsReference} from "../lib/settings/reference.js";
import {explainTagRules} from "../lib/tags/explain.js";
import type {LoaderContext} from "./serve.js";

/** Every rule in plain words, and every setting with its current value beside its default. */
export async function rules({asOf, previousAsOf, settings}: LoaderContext) {
  const current = settings as unknown as Record<string, unknown>;
  const valueAt = (key: string) =>
    key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], current);
  const reference = settingsReference().map((s) => {
    const value = valueAt(s.key);
    return {...s, value, changed: JSON.stringify(value) !== JSON.stringify(s.default)};
  });
  return {asOf, previousAsOf, rules: explainTagRules(settings), reference};
}
