/**
 * What the controller has seen of the claims scored since the current rollout stage began:
 * the score each claim got on the main path (primary or canary) and from the shadow, its
 * reviewer's label, and whether the reviewer went against the model. Kept per claim, so the
 * primary and the candidate are compared on the same claims. A new stage starts a new
 * evidence (the previous stage's claims were scored under another routing).
 */

/** A score of one claim by one version, as claims.scored*.v1 carry it. */
export interface Score {
  version: string;
  probability: number;
  latencyMs: number;
}

interface ClaimFacts {
  main?: Score;
  shadow?: Score;
  /** 1 when the reviewer rejected the claim (fraud), 0 when approved. */
  label?: 0 | 1;
  /** The final decision of a reviewed claim: whether the reviewer overrode the model. */
  overrode?: boolean;
  /** When the main score arrived (ms), to tell a missing shadow score from a late one. */
  seenAt: number;
}

/** Claims scored by the primary on the main path and by the candidate in the shadow. */
export interface Pair {
  primary: number;
  candidate: number;
  label?: 0 | 1;
}

/** Reviews of claims scored by one version on the main path. */
export interface Reviews {
  reviews: number;
  overrides: number;
}

/** Everything the stage gate reads, computed from the evidence at one moment. */
export interface EvidenceSummary {
  /** Claims scored on the main path by the primary / by the candidate (the canary's share). */
  primaryClaims: number;
  candidateClaims: number;
  /** Same-claim scores: primary on the main path, candidate in the shadow. */
  pairs: Pair[];
  /** Primary-scored claims old enough (graceMs) that their shadow score should have come, and how many lack it. */
  shadowDue: number;
  shadowMissing: number;
  /**
   * Triton latencies on the main path: of the canary's claims and of the primary's. (Shadow scores
   * are not compared: the shadow is extra work that waits behind the main path by design.)
   */
  candidateLatencyMs: number[];
  primaryLatencyMs: number[];
  /** Labelled claims scored on the main path by each, as (probability, label). */
  primaryLabelled: { probability: number; label: 0 | 1 }[];
  candidateLabelled: { probability: number; label: 0 | 1 }[];
  primaryReviews: Reviews;
  candidateReviews: Reviews;
}

export class StageEvidence {
  private readonly claims = new Map<string, ClaimFacts>();

  constructor(
    readonly primaryVersion: string,
    readonly candidateVersion: string,
    /** At most this many claims are kept; the oldest are forgotten first (Map keeps insertion order). */
    private readonly maxClaims: number,
  ) {}

  get size(): number {
    return this.claims.size;
  }

  /** A main-path score; only the primary's and the candidate's are kept. */
  scored(claimId: string, score: Score, now: number): void {
    if (score.version !== this.primaryVersion && score.version !== this.candidateVersion) return;
    this.facts(claimId, now).main = score;
  }

  /** A shadow score; only the candidate's is kept. */
  shadowScored(claimId: string, score: Score, now: number): void {
    if (score.version !== this.candidateVersion) return;
    this.facts(claimId, now).shadow = score;
  }

  /** A reviewer's verdict on a claim scored in this stage (others carry nothing to compare). */
  labelled(claimId: string, label: 0 | 1): void {
    const facts = this.claims.get(claimId);
    if (facts) facts.label = label;
  }

  /** The final decision of a reviewed claim scored in this stage. */
  reviewed(claimId: string, overrode: boolean): void {
    const facts = this.claims.get(claimId);
    if (facts) facts.overrode = overrode;
  }

  summary(now: number, graceMs: number): EvidenceSummary {
    const summary: EvidenceSummary = {
      primaryClaims: 0,
      candidateClaims: 0,
      pairs: [],
      shadowDue: 0,
      shadowMissing: 0,
      candidateLatencyMs: [],
      primaryLatencyMs: [],
      primaryLabelled: [],
      candidateLabelled: [],
      primaryReviews: { reviews: 0, overrides: 0 },
      candidateReviews: { reviews: 0, overrides: 0 },
    };
    for (const facts of this.claims.values()) {
      const { main, shadow, label, overrode } = facts;
      if (!main) continue;
      const byCandidate = main.version === this.candidateVersion;
      if (byCandidate) summary.candidateClaims++;
      else summary.primaryClaims++;
      (byCandidate ? summary.candidateLatencyMs : summary.primaryLatencyMs).push(main.latencyMs);
      if (label !== undefined) (byCandidate ? summary.candidateLabelled : summary.primaryLabelled).push({ probability: main.probability, label });
      if (overrode !== undefined) {
        const reviews = byCandidate ? summary.candidateReviews : summary.primaryReviews;
        reviews.reviews++;
        if (overrode) reviews.overrides++;
      }
      if (byCandidate) continue;
      if (shadow) summary.pairs.push({ primary: main.probability, candidate: shadow.probability, label });
      if (now - facts.seenAt >= graceMs) {
        summary.shadowDue++;
        if (!shadow) summary.shadowMissing++;
      }
    }
    return summary;
  }

  private facts(claimId: string, now: number): ClaimFacts {
    let facts = this.claims.get(claimId);
    if (!facts) {
      facts = { seenAt: now };
      this.claims.set(claimId, facts);
      if (this.claims.size > this.maxClaims) this.claims.delete(this.claims.keys().next().value as string);
    }
    return facts;
  }
}
