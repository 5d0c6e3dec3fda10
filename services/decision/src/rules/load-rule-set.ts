import { readFileSync } from 'node:fs';
import { FeatureKind, featureKindsFromSchema } from './feature-kinds';
import type { RuleSet } from './rule-set';
import { validateRuleSet } from './validate-rule-set';

/** A rule-set file the service must not run with; the message says what is wrong and where. */
export class RuleSetError extends Error {
  override readonly name = 'RuleSetError';
}

/** Reads and validates a rule-set file, or throws a RuleSetError naming every bad rule and field. */
export function loadRuleSet(
  file: string,
  featureKinds: ReadonlyMap<string, FeatureKind> = featureKindsFromSchema(),
): RuleSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuleSetError(`rule set ${file} cannot be read: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RuleSetError(`rule set ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const { ruleSet, problems } = validateRuleSet(parsed, featureKinds);
  if (!ruleSet) throw new RuleSetError(`rule set ${file} is invalid:\n  ${problems.join('\n  ')}`);
  return ruleSet;
}
