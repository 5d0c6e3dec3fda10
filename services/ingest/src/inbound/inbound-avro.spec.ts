import type { ClaimSubmitted } from '@claims-mesh/contracts';
import { InboundRecord, InvalidRecordError } from '@claims-mesh/kafka';
import { sampleClaim } from '@claims-mesh/testing';
import { InboundAvroController, INBOUND_AVRO_TOPIC } from './inbound-avro.controller';

function fromUpstream(overrides: Partial<ClaimSubmitted> = {}): InboundRecord<ClaimSubmitted> {
  const value = sampleClaim({ submittedBy: 'partner-claims-system', ...overrides });
  return { topic: INBOUND_AVRO_TOPIC, partition: 0, offset: '7', key: value.claimId, value, headers: {}, timestamp: 1_700_000_000_000 };
}

describe('the Avro entrance (claims.inbound.avro.v1)', () => {
  const controller = new InboundAvroController();

  it('re-publishes a valid claim on claims.submitted.v1 as it came: its ids, submittedBy, day and time kept', () => {
    const record = fromUpstream({ timestamps: { submittedAt: 1_699_999_000_123, enrichedAt: null, scoredAt: null, decidedAt: null, reviewedAt: null } });
    // A first round's revision is left to the schema's default (0), as for every claim ingest writes.
    const asCame = { ...record.value, revision: undefined };
    expect(controller.toSealedClaim(record)).toEqual({ topic: 'claims.submitted.v1', key: record.value.claimId, value: asCame });
  });

  it('leaves the later stages\' times to the mesh', () => {
    const record = fromUpstream({ timestamps: { submittedAt: 1_699_999_000_000, enrichedAt: 1, scoredAt: 2, decidedAt: 3, reviewedAt: 4 } });
    expect((controller.toSealedClaim(record).value as ClaimSubmitted).timestamps).toEqual({
      submittedAt: 1_699_999_000_000,
      enrichedAt: null,
      scoredAt: null,
      decidedAt: null,
      reviewedAt: null,
    });
  });

  it.each<[string, Partial<ClaimSubmitted>, RegExp]>([
    ['breaks the rules of POST /v1/claims', { amountMinor: -1, currency: 'eur' }, /^invalid claim: amountMinor .*; currency /],
    ['has a policy start out of any calendar', { policyStartDate: 2_000_000_000 }, /policyStartDate/],
    ['is a later round of a claim', { revision: 1 }, /revision must be 0/],
    ['names no upstream system', { submittedBy: '  ' }, /submittedBy/],
  ])('refuses a claim that %s, with the reason', (_, overrides, reason) => {
    const refuse = () => controller.toSealedClaim(fromUpstream(overrides));
    expect(refuse).toThrow(InvalidRecordError);
    expect(refuse).toThrow(reason);
  });
});
