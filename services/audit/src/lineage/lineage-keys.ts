import { ActionSymbols, type Action } from '@claims-mesh/contracts';

/**
 * Names of the Redis keys of the lineage index. Customer ids are personal data, so the
 * index of a customer's claims is keyed by the subject's keyed pseudonym (PersonalData's
 * subjectRef, an HMAC nobody without the secret can recompute from a customer id): key
 * listings, slow logs and the index itself never show it.
 */
export class LineageKeys {
  constructor(private readonly prefix: string) {}

  /** Hash per claim: one field per stage, plus the masked claim, its subject and its final decision. */
  lineage(claimId: string): string {
    return `${this.prefix}:lineage:${claimId}`;
  }

  /** Hash per claim: the personal values the lineage masks, one field per stored object. Erasure deletes it. */
  pii(claimId: string): string {
    return `${this.prefix}:pii:${claimId}`;
  }

  /** Set of the claims of one customer (by subjectRef), to find them for an erasure. */
  subjectClaims(subject: string): string {
    return `${this.prefix}:subject:${subject}:claims`;
  }

  /** Hash of erased subjects: subjectRef -> the erasure step (JSON) every claim of theirs gets. */
  erasedSubjects(): string {
    return `${this.prefix}:erased-subjects`;
  }

  /** Sorted set of finally decided claims (score = decidedAt), all actions or one. */
  decided(action?: Action): string {
    return action ? `${this.prefix}:decided:${action}` : `${this.prefix}:decided`;
  }

  /** The per-action sets, in ActionSymbols order. */
  decidedByAction(): string[] {
    return ActionSymbols.map((action) => this.decided(action));
  }

  /** Hash of the erasures requested here: subjectRef -> the ErasureRequest (JSON) published for it. */
  erasureRequests(): string {
    return `${this.prefix}:erasure-requests`;
  }

  /** Progress of one of audit's stores through the erasures (see ErasedSubjects). */
  erasureProgress(store: string): string {
    return `${this.prefix}:erasures:${store}`;
  }
}

/** Fields of a claim's lineage hash besides its stages (the record-stages script spells them out too). */
export const LINEAGE_FIELDS = {
  claim: 'claim',
  subject: 'subject',
  final: 'final',
  erasure: 'stage:erasure',
} as const;
