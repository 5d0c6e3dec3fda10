import { sampleClaim } from '@claims-mesh/testing';
import { claimOnlyFeatures } from './claim-only-features';

const DAY_MS = 86_400_000;

describe('claimOnlyFeatures', () => {
  it('counts whole days from the policy start day to the submission', () => {
    const startDay = 19_000;
    const justBeforeMidnight = (startDay + 10) * DAY_MS + DAY_MS - 1;
    const claim = sampleClaim({ policyStartDate: startDay });
    claim.timestamps.submittedAt = justBeforeMidnight;
    expect(claimOnlyFeatures(claim).daysSincePolicyStart).toBe(10);
  });

  it('is negative for a claim filed before its policy started', () => {
    const claim = sampleClaim({ policyStartDate: 19_000 });
    claim.timestamps.submittedAt = 18_998 * DAY_MS;
    expect(claimOnlyFeatures(claim).daysSincePolicyStart).toBe(-2);
  });

  it('measures the description in characters, an emoji being one', () => {
    expect(claimOnlyFeatures(sampleClaim({ description: 'Cracked 📱!' })).descriptionLength).toBe(10);
  });

  it.each(['', 'plain', '📱📱', 'é and 中', 'lone \ud800 high', 'lone low \udc00', 'ends high \ud83d'])(
    'counts %j as the code points a string iterator yields',
    (description) => {
      expect(claimOnlyFeatures(sampleClaim({ description })).descriptionLength).toBe([...description].length);
    },
  );

  it('passes the media count through', () => {
    expect(claimOnlyFeatures(sampleClaim({ mediaCount: 4 })).mediaCount).toBe(4);
  });
});
