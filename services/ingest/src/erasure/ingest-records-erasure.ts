import { Inject, Injectable } from '@nestjs/common';
import { ErasedSubjects, ErasureParticipant, REDIS, SubjectErasures } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { IngestConfig } from '../config';

/**
 * Ingest's records (the store ingest-records of an erasure request): the idempotency records
 * hold a claim's ids, the claim status view its stage, decision and owning client, the webhook
 * outbox events with ids, actions, reasons, versions and outcomes. None holds personal data, so
 * an erasure removes nothing; ingest reports it so that the erasure's status says so, and
 * forgets the subject's held data key (SubjectErasures does) so it seals nothing more under it.
 */
@Injectable()
export class IngestRecordsErasure extends ErasureParticipant {
  constructor(@Inject(REDIS) redis: Redis, erasures: SubjectErasures, config: IngestConfig) {
    // Only the completion marks: kept as long as the longest-lived of the records (the status view).
    super('ingest-records', new ErasedSubjects(redis, `${config.INGEST_KEY_PREFIX}:erasures:ingest-records`, config.STATUS_TTL_SECONDS), erasures);
  }

  erase(): Promise<Record<string, number>> {
    return Promise.resolve({ records: 0 });
  }
}
