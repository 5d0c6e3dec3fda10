import { ActionSymbols, type Action } from '@claims-mesh/contracts';
import { hash } from 'node:crypto';

/**
 * Names of the Redis keys of the lineage index. Customer ids are personal data, so the
 * index of a customer's claims is keyed by a hash of the id: key listings, slow logs and
 * the index itself never show it.
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

  /** Set of the claims of one customer (by subject hash), to find them for an erasure. */
  subjectClaims(subject: string): string {
    return `${this.prefix}:subject:${subject}:claims`;
  }

  /** Hash of erased subjects: subject hash -> the erasure step (JSON) every claim of theirs gets. */
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
}

/** The pseudonym of a customer in the index. */
export function subjectOf(customerId: string): string {
  return hash('sha256', `customer\u001f${customerId}`, 'hex').slice(0, 32);
}

/** Fields of a claim's lineage hash besides its stages (the record-stages script spells them out too). */
export const LINEAGE_FIELDS = {
  claim: 'claim',
  subject: 'subject',
  final: 'final',
  erasure: 'stage:erasure',
} as const;
