import { Inject, Injectable } from '@nestjs/common';
import type { ErasureRequest } from '@claims-mesh/contracts';
import { ErasedSubjects, ErasureParticipant, PersonalData, REDIS, SubjectErasures } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { AuditConfig } from '../config';
import { LineageKeys } from '../lineage/lineage-keys';

/**
 * The subjects' data keys (the store subject-keys): deleting the subject's key and writing its
 * tombstone on pii.keys.v1 makes every sealed copy of their personal data unreadable, in every
 * topic, dead letter and Redis store at once. One service does it, audit, which already answers
 * for the erasure; the others only forget a key they hold.
 */
@Injectable()
export class SubjectKeysErasure extends ErasureParticipant {
  constructor(
    @Inject(REDIS) redis: Redis,
    keys: LineageKeys,
    private readonly personalData: PersonalData,
    erasures: SubjectErasures,
    config: AuditConfig,
  ) {
    super('subject-keys', new ErasedSubjects(redis, keys.erasureProgress('subject-keys'), config.AUDIT_RETENTION_DAYS * 86_400), erasures);
  }

  async erase({ subjectRef }: ErasureRequest): Promise<Record<string, number>> {
    return { keys: (await this.personalData.keys.erase(subjectRef)) ? 1 : 0 };
  }
}
