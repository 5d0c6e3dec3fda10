import type { ReviewSelection } from './generated/contracts';

/**
 * The reason code of a claim the decision rules would have settled on their own but sent to
 * review as an audit sample: a share of those claims, drawn by claimBucket(claimId,
 * AUDIT_SAMPLE_PURPOSE), so reviewer verdicts include labels that are not biased towards risk.
 */
export const AUDIT_SAMPLE_REASON = 'AUDIT_SAMPLE';
export const AUDIT_SAMPLE_PURPOSE = 'audit-sample';

/** Which way a review's claim was drawn, from the reason codes of the REVIEW decision. */
export function reviewSelectionOf(reasonCodes: readonly string[]): ReviewSelection {
  return reasonCodes.includes(AUDIT_SAMPLE_REASON) ? 'AUDIT_SAMPLE' : 'RISK';
}
