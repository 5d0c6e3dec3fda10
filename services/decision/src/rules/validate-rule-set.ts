import { ActionSymbols, AUDIT_SAMPLE_REASON, ChannelSymbols, RouteSymbols } from '@claims-mesh/contracts';
import type { FeatureKind } from './feature-kinds';
import type { RuleSet } from './rule-set';

export type RuleSetValidation =
  { ruleSet: RuleSet; problems: [] } | { ruleSet: undefined; problems: string[] };

const VERSION = /^[A-Za-z0-9._-]+$/;
const REASON_CODE = /^[A-Z][A-Z0-9_]*$/;
const CURRENCY = /^[A-Z]{3}$/;

const RULE_SET_KEYS = ['version', 'description', 'default', 'auditSample', 'rules'];
const AUDIT_SAMPLE_KEYS = ['share'];
const DEFAULT_KEYS = ['action', 'reasonCode'];
const RULE_KEYS = ['id', 'description', 'when', 'action'];
const CONDITION_KEYS = [
  'fraudProbability',
  'confidence',
  'amountMinor',
  'amountMinorByCurrency',
  'route',
  'channel',
  'product',
  'features',
];

interface Bounds {
  min?: number;
  max?: number;
  integer?: boolean;
}
const PROBABILITY: Bounds = { min: 0, max: 1 };
const AMOUNT: Bounds = { min: 0, integer: true };

/**
 * Checks a parsed rule-set file and names every problem with where it is: the rule's index
 * and id, then the field, e.g. `rules[2] (HIGH_FRAUD_SCORE): when.fraudProbability.atLeast
 * must be a number from 0 to 1, got 1.5`. Unknown fields are problems too: a misspelt
 * condition would otherwise be ignored and the rule fire far more often than meant.
 */
export function validateRuleSet(
  input: unknown,
  featureKinds: ReadonlyMap<string, FeatureKind>,
): RuleSetValidation {
  const problems: string[] = [];
  const report = (where: string) => (message: string) => problems.push(`${where}: ${message}`);

  if (!isObject(input)) return { ruleSet: undefined, problems: ['the rule set must be a JSON object'] };
  const top = report('rule set');
  checkKeys(input, RULE_SET_KEYS, '', top);
  if (typeof input.version !== 'string' || !VERSION.test(input.version))
    top(
      `version must be a non-empty string of letters, digits, ".", "_" and "-", got ${show(input.version)}`,
    );
  checkOptionalString(input.description, 'description', top);
  checkDefault(input.default, report('default'));
  if ('auditSample' in input) checkAuditSample(input.auditSample, report('auditSample'));

  if (!Array.isArray(input.rules) || input.rules.length === 0) {
    top(`rules must be a non-empty array, got ${show(input.rules)}`);
  } else {
    const firstIndexOfId = new Map<string, number>();
    input.rules.forEach((rule: unknown, index) => {
      const id = isObject(rule) && typeof rule.id === 'string' ? rule.id : undefined;
      const where = report(id === undefined ? `rules[${index}]` : `rules[${index}] (${id})`);
      if (id !== undefined && firstIndexOfId.has(id))
        where(`id ${id} is already the id of rules[${firstIndexOfId.get(id)}]`);
      else if (id !== undefined) firstIndexOfId.set(id, index);
      if (id === AUDIT_SAMPLE_REASON) where(`id ${id} is reserved for claims drawn as an audit sample`);
      checkRule(rule, featureKinds, where);
    });
  }
  return problems.length
    ? { ruleSet: undefined, problems }
    : { ruleSet: input as unknown as RuleSet, problems: [] };
}

type Report = (message: string) => void;

function checkDefault(value: unknown, report: Report): void {
  if (!isObject(value)) return report(`must be an object { action, reasonCode }, got ${show(value)}`);
  checkKeys(value, DEFAULT_KEYS, '', report);
  checkAction(value.action, 'action', report);
  checkReasonCode(value.reasonCode, 'reasonCode', report);
}

function checkAuditSample(value: unknown, report: Report): void {
  if (!isObject(value)) return report(`must be an object { share }, got ${show(value)}`);
  checkKeys(value, AUDIT_SAMPLE_KEYS, '', report);
  if (typeof value.share !== 'number' || !Number.isFinite(value.share) || !withinBounds(value.share, PROBABILITY))
    report(`share must be ${describeBounds(PROBABILITY)}, got ${show(value.share)}`);
}

function checkRule(rule: unknown, featureKinds: ReadonlyMap<string, FeatureKind>, report: Report): void {
  if (!isObject(rule)) return report(`must be an object { id, when, action }, got ${show(rule)}`);
  checkKeys(rule, RULE_KEYS, '', report);
  checkReasonCode(rule.id, 'id', report);
  checkOptionalString(rule.description, 'description', report);
  checkAction(rule.action, 'action', report);
  const when = rule.when;
  if (!isObject(when) || Object.keys(when).length === 0)
    return report(
      `when must be an object with at least one condition, got ${show(when)} (the default covers claims no rule fires for)`,
    );
  checkKeys(when, CONDITION_KEYS, 'when.', report);
  if ('fraudProbability' in when)
    checkRange(when.fraudProbability, 'when.fraudProbability', PROBABILITY, report);
  if ('confidence' in when) checkRange(when.confidence, 'when.confidence', PROBABILITY, report);
  if ('amountMinor' in when) checkRange(when.amountMinor, 'when.amountMinor', AMOUNT, report);
  if ('amountMinorByCurrency' in when) checkAmountsByCurrency(when.amountMinorByCurrency, report);
  if ('route' in when) checkOneOf(when.route, 'when.route', RouteSymbols, report);
  if ('channel' in when) checkOneOf(when.channel, 'when.channel', ChannelSymbols, report);
  if ('product' in when) checkOneOf(when.product, 'when.product', undefined, report);
  if ('features' in when) checkFeatures(when.features, featureKinds, report);
}

function checkAmountsByCurrency(value: unknown, report: Report): void {
  const field = 'when.amountMinorByCurrency';
  if (!isObject(value) || Object.keys(value).length === 0)
    return report(
      `${field} must be an object of currency code to range, e.g. { "EUR": { "atLeast": 500000 } }, got ${show(value)}`,
    );
  for (const [currency, range] of Object.entries(value)) {
    if (!CURRENCY.test(currency))
      report(`${field} has "${currency}", which is not a currency code of three upper-case letters`);
    checkRange(range, `${field}.${currency}`, AMOUNT, report);
  }
}

function checkFeatures(value: unknown, featureKinds: ReadonlyMap<string, FeatureKind>, report: Report): void {
  if (!isObject(value) || Object.keys(value).length === 0)
    return report(`when.features must be an object of feature name to condition, got ${show(value)}`);
  for (const [name, condition] of Object.entries(value)) {
    const field = `when.features.${name}`;
    const kind = featureKinds.get(name);
    if (kind === undefined)
      report(`${field} is not a feature; known features: ${[...featureKinds.keys()].join(', ')}`);
    else if (kind === 'boolean' && typeof condition !== 'boolean')
      report(`${field} must be true or false, got ${show(condition)}`);
    else if (kind === 'number') checkRange(condition, field, {}, report);
  }
}

function checkRange(value: unknown, field: string, bounds: Bounds, report: Report): void {
  if (!isObject(value) || !('atLeast' in value || 'below' in value))
    return report(
      `${field} must be a range { "atLeast": n, "below": m } with at least one bound, got ${show(value)}`,
    );
  checkKeys(value, ['atLeast', 'below'], `${field}.`, report);
  const { atLeast, below } = value;
  const valid = (bound: unknown, name: string): bound is number => {
    if (bound === undefined) return false;
    if (typeof bound === 'number' && Number.isFinite(bound) && withinBounds(bound, bounds)) return true;
    report(`${field}.${name} must be ${describeBounds(bounds)}, got ${show(bound)}`);
    return false;
  };
  const lowOk = valid(atLeast, 'atLeast');
  const highOk = valid(below, 'below');
  if (lowOk && highOk && atLeast >= below)
    report(`${field} is empty: atLeast ${atLeast} is not below ${below}`);
}

function checkOneOf(
  value: unknown,
  field: string,
  allowed: readonly string[] | undefined,
  report: Report,
): void {
  const expected = allowed ? `values of ${allowed.join(', ')}` : 'non-empty strings';
  if (!Array.isArray(value) || value.length === 0)
    return report(`${field} must be a non-empty array of ${expected}, got ${show(value)}`);
  for (const item of value) {
    const ok = typeof item === 'string' && (allowed ? allowed.includes(item) : item.trim() !== '');
    if (!ok) report(`${field} has ${show(item)}; expected ${expected}`);
  }
}

function checkAction(value: unknown, field: string, report: Report): void {
  if (!(ActionSymbols as readonly unknown[]).includes(value))
    report(`${field} must be one of ${ActionSymbols.join(', ')}, got ${show(value)}`);
}

function checkReasonCode(value: unknown, field: string, report: Report): void {
  if (typeof value !== 'string' || !REASON_CODE.test(value))
    report(`${field} must be a reason code in UPPER_SNAKE_CASE, got ${show(value)}`);
}

function checkOptionalString(value: unknown, field: string, report: Report): void {
  if (value !== undefined && typeof value !== 'string')
    report(`${field} must be a string, got ${show(value)}`);
}

function checkKeys(value: Record<string, unknown>, allowed: string[], prefix: string, report: Report): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      report(`${prefix}${key} is not a known field; expected ${allowed.join(', ')}`);
  }
}

function withinBounds(n: number, { min, max, integer }: Bounds): boolean {
  return (
    (min === undefined || n >= min) &&
    (max === undefined || n <= max) &&
    (!integer || Number.isSafeInteger(n))
  );
}

function describeBounds({ min, max, integer }: Bounds): string {
  const kind = integer ? 'an integer' : 'a number';
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} of at least ${min}`;
  return kind;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
