import { ConflictException, Injectable } from '@nestjs/common';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { ClaimSubmitted } from '@claims-mesh/contracts';
import { Counter, Registry } from 'prom-client';
import { StatusStore } from '../status/status.store';
import { submittedUpdate } from '../status/status-view';
import { ClaimIds, idsFor, toClaimSubmitted } from './claim-factory';
import { ClaimRequestDto } from './claim-request.dto';
import { IdempotencyStore } from './idempotency.store';

export const SUBMITTED_TOPIC = 'claims.submitted.v1';

/**
 * Accepts validated claims from the HTTP API: resolves idempotency, publishes the new ones
 * to claims.submitted.v1 and answers only once Kafka acknowledged them (acks=all).
 */
@Injectable()
export class ClaimIntakeService {
  private readonly accepted: Counter<'outcome'>;

  constructor(
    private readonly publisher: KafkaPublisher,
    private readonly idempotency: IdempotencyStore,
    private readonly status: StatusStore,
    registry: Registry,
  ) {
    this.accepted = new Counter({
      name: 'ingest_claims_total',
      help: 'Claims accepted over HTTP: published, or answered from an earlier identical submission.',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  /**
   * `idempotencyKey` is the Idempotency-Key header; each claim's own eventId is a key too.
   * Claims already accepted under their key get their first ids back and are not re-published.
   * `submittedBy` is the caller's API key id: it becomes the record's submittedBy, so ownership
   * travels with the claim through the mesh, and the status view and webhooks answer to it.
   */
  async submit(requests: ClaimRequestDto[], idempotencyKey: string | undefined, submittedBy: string): Promise<ClaimIds[]> {
    const keys = requests.map((r, i) => keyOf(r, idempotencyKey, requests.length > 1 ? i : undefined));
    const keyed = keys.flatMap((key, i) => (key ? [{ key, index: i }] : []));
    const reservations = await this.idempotency.reserve(keyed.map((k) => k.key));
    if (reservations.some((r) => r.state === 'in-progress')) {
      throw new ConflictException({
        error: 'submission_in_progress',
        message: 'a submission with the same idempotency key is still being processed; retry shortly',
      });
    }

    const answers: ClaimIds[] = new Array(requests.length);
    const reused = new Set<number>();
    keyed.forEach(({ index }, n) => {
      const reservation = reservations[n];
      if (reservation.state === 'done') {
        answers[index] = reservation.ids;
        reused.add(index);
      }
    });
    const acceptedAt = Date.now();
    const fresh: ClaimSubmitted[] = [];
    requests.forEach((request, i) => {
      if (reused.has(i)) return;
      const ids = idsFor(request, keys[i]);
      answers[i] = ids;
      fresh.push(toClaimSubmitted(request, ids, submittedBy));
    });

    const newKeys = keyed.filter(({ index }) => !reused.has(index));
    try {
      await this.publisher.publish(SUBMITTED_TOPIC, fresh.map((claim) => ({ key: claim.claimId, value: claim })));
    } catch (error) {
      await this.idempotency.release(newKeys.map((k) => k.key)).catch(() => undefined);
      throw error;
    }
    // The status view gets the claim now, so a GET right after the 202 finds it; the consumer of
    // claims.submitted.v1 writes the same again (with the record's later time), so a failure here only delays it.
    await Promise.all([
      this.idempotency.complete(newKeys.map(({ key, index }) => ({ key, ids: answers[index] }))),
      this.status.merge(fresh.map((claim) => submittedUpdate(claim, acceptedAt))).catch(() => undefined),
    ]);
    this.accepted.inc({ outcome: 'published' }, fresh.length);
    this.accepted.inc({ outcome: 'idempotent_replay' }, reused.size);
    return answers;
  }
}

function keyOf(request: ClaimRequestDto, header: string | undefined, index: number | undefined): string | undefined {
  if (header) return index === undefined ? `key:${header}` : `key:${header}:${index}`;
  return request.eventId ? `event:${request.eventId}` : undefined;
}
