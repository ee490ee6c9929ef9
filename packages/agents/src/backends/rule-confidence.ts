import { z } from 'zod';
import table from './rule-confidence-table.json';

const tableSchema = z.object({
  description: z.string(),
  provenance: z.object({ fittedOn: z.array(z.string()), method: z.string(), date: z.string() }),
  paths: z.record(z.string(), z.object({ confidence: z.number().min(0).max(1), answers: z.number().int().min(0), right: z.number().int().min(0) })),
});

/**
 * The rule-based reflector's calibration table (`rule-confidence-table.json`): per answer path (its
 * `basis`, e.g. `object-yes`, `text-value-observed`), the confidence fitted on the dev suites with
 * how many answers it was fitted on and its provenance. Refit with `tools/bench/fit-confidence.js`.
 */
export const RULE_CONFIDENCE = tableSchema.parse(table);

/** The answer paths of the rule-based reflector (keys of {@link RULE_CONFIDENCE}). */
export type RuleBasis = keyof typeof table.paths;

/** The fitted confidence of an answer path, in `[0, 1]`. */
export function ruleConfidence(basis: RuleBasis): number {
  return RULE_CONFIDENCE.paths[basis]?.confidence ?? 0;
}
