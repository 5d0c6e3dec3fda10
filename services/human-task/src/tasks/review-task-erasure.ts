import { Inject, Injectable } from '@nestjs/common';
import { piiPaths, valueSchema, type ClaimDecided, type ErasureRequest } from '@claims-mesh/contracts';
import { ErasedSubjects, ErasureParticipant, PersonalData, REDACTED, redactPaths, REDIS, SubjectErasures } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { HumanTaskConfig } from '../config';
import { ReviewTask } from './review-task';
import { TaskStore } from './task-store';

const DECISION_PII = piiPaths(valueSchema('ClaimDecided').json);

/**
 * The review tasks (the store review-tasks of an erasure request). A customer's tasks stay, so
 * the review of their claim can go on, but without their personal data: the decision's fields
 * the schema marks pii, and the reviewer's note, in the task and in its verdict's event (the
 * reviewer's id is the reviewer's, not the customer's, and says who decided). A task opened or
 * completed while or after the erasure is applied is redacted too (redactIfErased).
 */
@Injectable()
export class ReviewTaskErasure extends ErasureParticipant {
  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly store: TaskStore,
    private readonly personalData: PersonalData,
    erasures: SubjectErasures,
    config: HumanTaskConfig,
  ) {
    // Marks kept as long as a task opened before the erasure can live.
    const ttlSeconds = (config.OPEN_TASK_TTL_DAYS + config.COMPLETED_TASK_TTL_DAYS) * 86_400;
    super('review-tasks', new ErasedSubjects(redis, `${config.REDIS_KEY_PREFIX}:erasures:review-tasks`, ttlSeconds), erasures);
  }

  /** The customer a task's decision is about. */
  subjectOf(decision: ClaimDecided): string {
    return this.personalData.subjectRef(decision.claim.customerId);
  }

  async erase({ subjectRef }: ErasureRequest): Promise<Record<string, number>> {
    let tasks = 0;
    for (const taskId of await this.store.tasksOf(subjectRef)) {
      if (await this.store.redact(taskId, redactTask)) tasks++;
    }
    return { tasks };
  }

  /**
   * Redacts a task just written if its customer is erased or being erased: the erasure marks
   * before it reads the customer's tasks, so a task written meanwhile is redacted by one or the other.
   */
  async redactIfErased(taskId: string, subjectRef: string): Promise<void> {
    if ((await this.erased.erasedAmong([subjectRef])).size) await this.store.redact(taskId, redactTask);
  }
}

function redactTask(task: ReviewTask): { decision: string; note: string; event: string } {
  return {
    decision: JSON.stringify(redactPaths(task.decision, DECISION_PII)),
    note: REDACTED,
    event: task.verdict ? JSON.stringify({ ...task.verdict.event, note: REDACTED }) : '',
  };
}
