import { histogram, psi, quantileEdges } from '@claims-mesh/contracts';
import type { EvidenceSummary, Reviews } from '../evidence/stage-evidence';
import { auc, brier, quantile } from './statistics';

/** The margins a candidate is held to (RolloutConfig's, by the same names). */
export interface GateSettings {
  /** Same-claim pairs before a shadow is judged. */
  shadowMinClaims: number;
  /** Claims the canary scored before it is promoted. */
  canaryMinClaims: number;
  /** Labelled claims (each side) before labels decide instead of agreement. */
  minLabels: number;
  /** The candidate's AUC may be at most this far below the primary's, its Brier score this far above. */
  aucMargin: number;
  brierMargin: number;
  /** Without enough labels: the share of claims both versions put in the same band, and the PSI of their scores. */
  minAgreement: number;
  maxScorePsi: number;
  /** Reviews of canary claims before their override rate is compared, and by how much it may exceed the primary's. */
  minReviews: number;
  maxOverrideRateIncrease: number;
  /** The canary's p95 Triton latency over the primary's, on the main path. */
  maxLatencyRatio: number;
  /** Share of due shadow scores that may be missing (scoring errors, shed shadow work). */
  maxMissingShare: number;
  /** Minimum scores on each side before latency and missing scores are judged. */
  minOperationalClaims: number;
}

export type Verdict = { action: 'hold' | 'advance' | 'rollback'; reason: string };

/** The figures behind a verdict, for the log, the metrics and the rollout record's reason. */
export interface Figures {
  pairs: number;
  labelledPairs: number;
  agreement?: number;
  scorePsi?: number;
  primaryAuc?: number;
  candidateAuc?: number;
  primaryBrier?: number;
  candidateBrier?: number;
  primaryOverrideRate?: number;
  candidateOverrideRate?: number;
  latencyRatio?: number;
  missingShare?: number;
}

type Band = { low: number; high: number };

/**
 * Judges a candidate in SHADOW or CANARY on the evidence of its stage. Order matters:
 *  1. operational guards (missing scores, latency): rollback;
 *  2. at canary, the reviewers: an override rate on canary claims above the primary's by more
 *     than the margin, with 95 % confidence (see overrideIncreaseLowerBound), is a rollback, as
 *     soon as there are enough reviews;
 *  3. labels, where enough same-claim pairs are labelled: worse AUC or Brier is a rollback,
 *     at least as good passes;
 *  4. otherwise agreement with the primary and the PSI of the two score distributions: a pass
 *     when both are within bounds, else hold (a better model may disagree: it waits for labels).
 * A pass advances once the stage has its minimum of claims.
 */
export function judge(stage: 'SHADOW' | 'CANARY', evidence: EvidenceSummary, band: Band, gates: GateSettings): { verdict: Verdict; figures: Figures } {
  const figures = figuresOf(evidence, band);
  const verdict = verdictOf(stage, evidence, figures, gates);
  return { verdict, figures };
}

function verdictOf(stage: 'SHADOW' | 'CANARY', evidence: EvidenceSummary, f: Figures, gates: GateSettings): Verdict {
  if (f.missingShare !== undefined && evidence.shadowDue >= gates.minOperationalClaims && f.missingShare > gates.maxMissingShare) {
    return rollback(`${pct(f.missingShare)} of due shadow scores missing (at most ${pct(gates.maxMissingShare)})`);
  }
  const latencySamples = Math.min(evidence.candidateLatencyMs.length, evidence.primaryLatencyMs.length);
  if (f.latencyRatio !== undefined && latencySamples >= gates.minOperationalClaims && f.latencyRatio > gates.maxLatencyRatio) {
    return rollback(`p95 latency ${f.latencyRatio.toFixed(2)}x the primary's (at most ${gates.maxLatencyRatio}x)`);
  }
  if (stage === 'CANARY' && evidence.candidateReviews.reviews >= gates.minReviews && evidence.primaryReviews.reviews >= gates.minReviews) {
    if (overrideIncreaseLowerBound(evidence.candidateReviews, evidence.primaryReviews) > gates.maxOverrideRateIncrease) {
      return rollback(
        `reviewers overrode ${pct(f.candidateOverrideRate)} of canary claims against ${pct(f.primaryOverrideRate)} of the primary's ` +
          `(at most ${pct(gates.maxOverrideRateIncrease)} more, at 95% confidence)`,
      );
    }
  }
  const enough = stage === 'SHADOW' ? f.pairs >= gates.shadowMinClaims : evidence.candidateClaims >= gates.canaryMinClaims;
  const progress = stage === 'SHADOW' ? `${f.pairs}/${gates.shadowMinClaims} same-claim scores` : `${evidence.candidateClaims}/${gates.canaryMinClaims} canary claims`;

  if (f.labelledPairs >= gates.minLabels && f.primaryAuc !== undefined && f.candidateAuc !== undefined) {
    const labels = `on ${f.labelledPairs} labelled claims: AUC ${fix(f.candidateAuc)} vs ${fix(f.primaryAuc)}, Brier ${fix(f.candidateBrier)} vs ${fix(f.primaryBrier)}`;
    if (f.candidateAuc < f.primaryAuc - gates.aucMargin || (f.candidateBrier as number) > (f.primaryBrier as number) + gates.brierMargin) {
      return rollback(`worse than the primary ${labels}`);
    }
    return enough ? advance(`at least as good as the primary ${labels}`) : hold(`${progress}; labels so far as good (${labels})`);
  }
  if (f.agreement === undefined || f.scorePsi === undefined) return hold(`${progress}; no same-claim scores yet`);
  const agreement = `agreement ${pct(f.agreement)} (at least ${pct(gates.minAgreement)}), score PSI ${fix(f.scorePsi)} (at most ${gates.maxScorePsi}), ${f.labelledPairs}/${gates.minLabels} labels`;
  if (f.agreement >= gates.minAgreement && f.scorePsi <= gates.maxScorePsi) {
    return enough ? advance(`agrees with the primary: ${agreement}`) : hold(`${progress}; ${agreement}`);
  }
  return hold(`${progress}; differs from the primary, waiting for labels: ${agreement}`);
}

function figuresOf(evidence: EvidenceSummary, band: Band): Figures {
  const { pairs } = evidence;
  const labelled = pairs.filter((p): p is Required<typeof p> => p.label !== undefined);
  const labels = labelled.map((p) => p.label);
  const primaryScores = pairs.map((p) => p.primary);
  const edges = quantileEdges(primaryScores, 10);
  const p95 = (values: number[]) => quantile(values, 0.95);
  const [candidateP95, primaryP95] = [p95(evidence.candidateLatencyMs), p95(evidence.primaryLatencyMs)];
  return {
    pairs: pairs.length,
    labelledPairs: labelled.length,
    agreement: pairs.length ? pairs.filter((p) => zone(p.primary, band) === zone(p.candidate, band)).length / pairs.length : undefined,
    scorePsi: pairs.length ? psi(histogram(edges, primaryScores), histogram(edges, pairs.map((p) => p.candidate))) : undefined,
    primaryAuc: auc(labelled.map((p) => p.primary), labels),
    candidateAuc: auc(labelled.map((p) => p.candidate), labels),
    primaryBrier: brier(labelled.map((p) => p.primary), labels),
    candidateBrier: brier(labelled.map((p) => p.candidate), labels),
    primaryOverrideRate: rate(evidence.primaryReviews),
    candidateOverrideRate: rate(evidence.candidateReviews),
    latencyRatio: candidateP95 !== undefined && primaryP95 ? candidateP95 / primaryP95 : undefined,
    missingShare: evidence.shadowDue ? evidence.shadowMissing / evidence.shadowDue : undefined,
  };
}

/** Which of the cascade's three zones a probability falls in: confident legitimate, uncertain, confident fraud. */
function zone(probability: number, band: Band): number {
  return probability < band.low ? 0 : probability <= band.high ? 1 : 2;
}

/** One-sided 95 % normal quantile. */
const Z_95 = 1.645;

/**
 * A lower bound, at 95 % confidence, of how much more often reviewers override the candidate
 * than the primary: the Agresti-Caffo interval (one override and one agreement added to each
 * side), which holds up with the few reviews a canary gets. The plain difference of the rates
 * rolled good candidates back on noise: 4 overrides in 12 reviews against 19 % is not evidence.
 */
export function overrideIncreaseLowerBound(candidate: Reviews, primary: Reviews): number {
  const adjusted = ({ reviews, overrides }: Reviews) => ({ p: (overrides + 1) / (reviews + 2), n: reviews + 2 });
  const [c, p] = [adjusted(candidate), adjusted(primary)];
  const standardError = Math.sqrt((c.p * (1 - c.p)) / c.n + (p.p * (1 - p.p)) / p.n);
  return c.p - p.p - Z_95 * standardError;
}

function rate({ reviews, overrides }: Reviews): number | undefined {
  return reviews ? overrides / reviews : undefined;
}

const hold = (reason: string): Verdict => ({ action: 'hold', reason });
const advance = (reason: string): Verdict => ({ action: 'advance', reason });
const rollback = (reason: string): Verdict => ({ action: 'rollback', reason });
const pct = (share: number | undefined) => (share === undefined ? 'n/a' : `${(share * 100).toFixed(1)}%`);
const fix = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(3));
