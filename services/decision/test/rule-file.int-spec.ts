import { join } from 'node:path';
import { spawnDecisionService } from './decision-harness';

const PORT = 13431;
const FIXTURES = join(__dirname, 'fixtures');

describe('decision service: the rule file is checked at start', () => {
  it.each([
    [
      'rules.bad-threshold.json',
      'rules[1] (HIGH_FRAUD_SCORE): when.fraudProbability.atLeast must be a number from 0 to 1, got 1.5',
    ],
    [
      'rules.unknown-feature.json',
      'rules[1] (SERIAL_SEEN_BEFORE): when.features.serialSeenBefore is not a feature',
    ],
  ])('refuses to start with %s, naming the rule and the field', async (fixture, problem) => {
    const file = join(FIXTURES, fixture);
    const service = spawnDecisionService(PORT, { RULES_FILE: file });

    const { code } = await service.exited;

    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(service.output()).toContain(`rule set ${file} is invalid:\n  ${problem}`);
    expect(service.output()).not.toContain('listening on');
  });

  it('refuses to start when the rule file does not exist', async () => {
    const file = join(FIXTURES, 'no-such-rules.json');
    const service = spawnDecisionService(PORT, { RULES_FILE: file });

    expect((await service.exited).code).toBe(1);
    expect(service.output()).toContain(`rule set ${file} cannot be read: ENOENT`);
  });
});
