import { randomUUID } from 'node:crypto';
import { AUDIT_SAMPLE_PURPOSE, claimBucket } from '@claims-mesh/contracts';

/**
 * Claim ids on a known side of the decision rules' audit sample, which draws claims by id: a
 * test that expects an automatic decision uses an id no share up to a half draws, a test of
 * the sample one that any share from a thousandth up draws.
 */
export function claimIdOutsideAuditSample(): string {
  return idWhere((bucket) => bucket >= 0.5);
}

export function claimIdInAuditSample(): string {
  return idWhere((bucket) => bucket < 0.001);
}

function idWhere(accept: (bucket: number) => boolean): string {
  for (;;) {
    const id = randomUUID();
    if (accept(claimBucket(id, AUDIT_SAMPLE_PURPOSE))) return id;
  }
}
