import { Inject, Injectable } from '@nestjs/common';
import type { ReviewCompleted, ReviewOutcome } from '@claims-mesh/contracts';
import { REDIS } from '@claims-mesh/platform';
import Redis from 'ioredis';
import { HumanTaskConfig } from '../config';
import { completedMember, dueByBound } from './queue-order';
import { Lease, ReviewTask } from './review-task';
import { CLAIM_TASK, COMPLETE_TASK, CREATE_TASK, REDACT_TASK } from './task-scripts';

export type ClaimResult = { kind: 'claimed'; lease: Lease } | { kind: 'not_found' } | { kind: 'already_completed' } | { kind: 'claimed_by_other'; lease: Lease };

export type CompleteResult =
  | { kind: 'completed' }
  | { kind: 'not_found' }
  | { kind: 'already_completed' }
  | { kind: 'not_claimed' }
  | { kind: 'claimed_by_other'; lease: Lease }
  | { kind: 'lease_expired'; expiredAt: number };

export type TaskIndex = 'todo' | 'due' | 'completed';

/** The task hash's field holding its customer's subjectRef. */
const SUBJECT_FIELD = 'subjectRef';

/**
 * Review tasks in Redis, under REDIS_KEY_PREFIX:
 * - `<p>:task:<taskId>`  hash: the task (decision JSON, priority, due, lease, verdict);
 * - `<p>:todo`           open tasks by priority, then due time;
 * - `<p>:due`            open tasks by due time (the overdue ones are a prefix of it);
 * - `<p>:completed`      completed tasks, newest first;
 * - `<p>:outbox`         set of completed tasks whose event Kafka has not acknowledged yet;
 * - `<p>:subject:<subjectRef>:tasks` set of a customer's tasks, for their erasure.
 * A task expires OPEN_TASK_TTL_DAYS after it was created, or COMPLETED_TASK_TTL_DAYS after it
 * was completed; each index expires with the last task it can hold.
 * The three indexes are sorted sets with score 0 whose members (`<order>:<taskId>`) sort
 * lexicographically, so a member is an exact, stable pagination cursor.
 */
@Injectable()
export class TaskStore {
  private readonly prefix: string;
  private readonly openTtlSeconds: number;
  private readonly completedTtlSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: HumanTaskConfig,
  ) {
    this.prefix = config.REDIS_KEY_PREFIX;
    this.openTtlSeconds = config.OPEN_TASK_TTL_DAYS * 86_400;
    this.completedTtlSeconds = config.COMPLETED_TASK_TTL_DAYS * 86_400;
  }

  /** Stores a new task and indexes it under its customer; false when it exists already (the decision was delivered before). */
  async create(task: ReviewTask, subjectRef: string): Promise<boolean> {
    const fields = Object.entries(toHash(task)).flat();
    const keys = [this.taskKey(task.taskId), this.key('todo'), this.key('due')];
    const reply = await CREATE_TASK.run(this.redis, keys, [task.queueMember, task.dueMember, this.openTtlSeconds, ...fields]);
    // After the task, so an erasure that reads the index before this sees the task's customer marked
    // instead (see ReviewTaskErasure). As long as a task completed on its last open day lives.
    await this.redis
      .multi()
      .hset(this.taskKey(task.taskId), SUBJECT_FIELD, subjectRef)
      .sadd(this.subjectKey(subjectRef), task.taskId)
      .expire(this.subjectKey(subjectRef), this.openTtlSeconds + this.completedTtlSeconds)
      .exec();
    return reply === 'created';
  }

  /** The subjectRef of a task's customer (kept apart from the decision, whose customer id an erasure redacts). */
  async subjectOf(taskId: string): Promise<string | null> {
    return this.redis.hget(this.taskKey(taskId), SUBJECT_FIELD);
  }

  /** The tasks of a customer, by subjectRef (some may have expired since). */
  async tasksOf(subjectRef: string): Promise<string[]> {
    return this.redis.smembers(this.subjectKey(subjectRef));
  }

  /**
   * Replaces a task's personal data with what `redact` makes of it: the decision, and once
   * completed the note and the verdict's event. False when the task is gone.
   */
  async redact(taskId: string, redact: (task: ReviewTask) => { decision: string; note: string; event: string }): Promise<boolean> {
    for (;;) {
      const task = await this.get(taskId);
      if (!task) return false;
      const read = task.verdict ? JSON.stringify(task.verdict.event) : '';
      const redacted = redact(task);
      const reply = await REDACT_TASK.run(this.redis, [this.taskKey(taskId)], [redacted.decision, redacted.note, read, redacted.event]);
      if (reply !== 'stale') return reply === 'redacted';
    }
  }

  async get(taskId: string): Promise<ReviewTask | undefined> {
    const [task] = await this.getMany([taskId]);
    return task;
  }

  async getMany(taskIds: string[]): Promise<(ReviewTask | undefined)[]> {
    if (taskIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of taskIds) pipeline.hgetall(this.taskKey(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, hash]) => {
      if (error) throw error;
      return fromHash(hash as Record<string, string>);
    });
  }

  /** Members of an index after `after` and before `before` (both exclusive), in index order. */
  async scan(index: TaskIndex, after: string | undefined, count: number, before?: string): Promise<string[]> {
    return this.redis.zrangebylex(this.key(index), after === undefined ? '-' : `(${after}`, before === undefined ? '+' : `(${before}`, 'LIMIT', 0, count);
  }

  async claim(taskId: string, reviewerId: string, now: number, leaseMillis: number): Promise<ClaimResult> {
    const [kind, holder, expiresAt] = (await CLAIM_TASK.run(this.redis, [this.taskKey(taskId)], [reviewerId, now, leaseMillis])) as string[];
    if (kind === 'claimed' || kind === 'claimed_by_other') return { kind, lease: { holder, expiresAt: Number(expiresAt) } };
    return { kind: kind as 'not_found' | 'already_completed' };
  }

  async complete(taskId: string, reviewerId: string, now: number, outcome: ReviewOutcome, note: string, event: ReviewCompleted): Promise<CompleteResult> {
    const keys = [this.taskKey(taskId), this.key('todo'), this.key('due'), this.key('completed'), this.key('outbox')];
    const args = [reviewerId, now, outcome, note, JSON.stringify(event), completedMember(now, taskId), this.completedTtlSeconds];
    const [kind, holder, expiresAt] = (await COMPLETE_TASK.run(this.redis, keys, args)) as string[];
    if (kind === 'claimed_by_other') return { kind, lease: { holder, expiresAt: Number(expiresAt) } };
    if (kind === 'lease_expired') return { kind, expiredAt: Number(holder) };
    return { kind: kind as 'completed' | 'not_found' | 'already_completed' | 'not_claimed' };
  }

  /** Kafka acknowledged the task's event: it leaves the outbox. */
  async markPublished(taskId: string): Promise<void> {
    await this.redis.multi().hset(this.taskKey(taskId), 'published', '1').srem(this.key('outbox'), taskId).exec();
  }

  /** Completed tasks whose event Kafka has not acknowledged yet. */
  async unpublished(): Promise<string[]> {
    return this.redis.smembers(this.key('outbox'));
  }

  async openCount(): Promise<number> {
    return this.redis.zcard(this.key('todo'));
  }

  async overdueCount(now: number): Promise<number> {
    return this.redis.zlexcount(this.key('due'), '-', `(${dueByBound(now)}`);
  }

  private key(name: TaskIndex | 'outbox'): string {
    return `${this.prefix}:${name}`;
  }

  private subjectKey(subjectRef: string): string {
    return `${this.prefix}:subject:${subjectRef}:tasks`;
  }

  private taskKey(taskId: string): string {
    return `${this.prefix}:task:${taskId}`;
  }
}

function toHash(task: ReviewTask): Record<string, string> {
  return {
    taskId: task.taskId,
    decision: JSON.stringify(task.decision),
    priority: String(task.priority),
    dueAt: String(task.dueAt),
    createdAt: String(task.createdAt),
    modelRecommendation: task.modelRecommendation,
    queueMember: task.queueMember,
    dueMember: task.dueMember,
    state: task.state,
    trace: JSON.stringify(task.trace),
  };
}

function fromHash(hash: Record<string, string>): ReviewTask | undefined {
  if (!hash.taskId) return undefined;
  const task: ReviewTask = {
    taskId: hash.taskId,
    decision: JSON.parse(hash.decision),
    priority: Number(hash.priority),
    dueAt: Number(hash.dueAt),
    createdAt: Number(hash.createdAt),
    modelRecommendation: hash.modelRecommendation as ReviewOutcome,
    queueMember: hash.queueMember,
    dueMember: hash.dueMember,
    state: hash.state === 'completed' ? 'completed' : 'open',
    trace: hash.trace ? JSON.parse(hash.trace) : {},
  };
  if (hash.leaseHolder) task.lease = { holder: hash.leaseHolder, expiresAt: Number(hash.leaseExpiresAt) };
  if (task.state === 'completed') {
    task.verdict = {
      outcome: hash.outcome as ReviewOutcome,
      note: hash.note,
      reviewerId: hash.reviewerId,
      completedAt: Number(hash.completedAt),
      event: JSON.parse(hash.event),
      published: hash.published === '1',
    };
  }
  return task;
}
