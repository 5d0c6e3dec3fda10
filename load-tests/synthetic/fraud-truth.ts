/**
 * How fraud depends on a claim's features in the synthetic world: the log-odds of
 * infra/models/claims_data.py (`fraud_logit`), which the served fraud models were trained on,
 * plus the shifted world's new pattern, which they never saw.
 *
 * The features are those the feature service computes for the claim (schemas/types/Features.avsc)
 * as the generator intends them: a claim's truth is drawn from these, never sent with it.
 */
export interface ClaimFeatures {
  amountMinor: number;
  customerClaimCount1h: number;
  customerClaimCount24h: number;
  customerClaimCount30d: number;
  amountZScore: number;
  daysSincePolicyStart: number;
  descriptionLength: number;
  mediaCount: number;
  isFirstClaim: boolean;
  serialNumberSeenBefore: boolean;
}

export const FRAUD_INTERCEPT = -4.5;

/** claims_data.py's fraud_logit, term for term. */
export function baselineFraudLogit(f: ClaimFeatures): number {
  const days = f.daysSincePolicyStart;
  const z = f.amountZScore;
  return (
    FRAUD_INTERCEPT +
    1.4 * Math.log1p(f.customerClaimCount24h - 1) + // velocity
    1.2 * flag(f.customerClaimCount1h >= 2) +
    3.0 * flag(days < 0) + // claimed before the policy started
    1.8 * flag(days >= 0 && days < 30) + // claimed right after it started
    0.8 * Math.min(6, Math.max(-2, z)) +
    2.0 * flag(z > 2 && days < 90) + // an expensive claim on a new policy
    1.5 * flag(f.isFirstClaim && z > 1.5) +
    2.5 * flag(f.serialNumberSeenBefore) +
    1.0 * flag(f.mediaCount === 0) +
    0.9 * flag(f.descriptionLength < 40)
  );
}

/**
 * The shifted world's new pattern: long, polished descriptions with many photos or documents,
 * as an organised ring files them. claims_data.py only ever made short descriptions and missing
 * evidence risky, so the served models take these claims for the safest there are; the pattern
 * is a plain function of two model inputs, so a model retrained on labels of it can learn it.
 */
export const RING_PATTERN = { minDescriptionLength: 600, minMediaCount: 5, logitBoost: 6.0 } as const;

export function matchesRingPattern(f: Pick<ClaimFeatures, 'descriptionLength' | 'mediaCount'>): boolean {
  return (
    f.descriptionLength >= RING_PATTERN.minDescriptionLength && f.mediaCount >= RING_PATTERN.minMediaCount
  );
}

export function shiftedFraudLogit(f: ClaimFeatures): number {
  return baselineFraudLogit(f) + RING_PATTERN.logitBoost * flag(matchesRingPattern(f));
}

export function sigmoid(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

function flag(condition: boolean): number {
  return condition ? 1 : 0;
}
