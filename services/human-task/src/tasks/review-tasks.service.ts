import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { ClaimDecided, ReviewOutcome } from '@claims-mesh/contracts';
import { injectIntoHeaders } from '@claims-mesh/kafka';
import { HumanTaskConfig } from '../config';
import { reviewCompletedOf } from './review-event';
import { ReviewMetrics } from './review-metrics';
import { ReviewTaskErasure } from './review-task-erasure';
import { newTask, ReviewTask } from './review-task';
import { CompleteResult, TaskStore } from './task-store';
import { iso, TaskView } from './task-view';
import { TaskViews } from './task-views';
import { VerdictPublisher } from './verdict-publisher';

export interface CompletedTask {
  task: TaskView;
  /** Whether Kafka acknowledged reviews.completed.v1 before the answer. */
  published: boolean;
}

/** The life of a review task: opened by a REVIEW decision, claimed under a lease, completed once. */
@Injectable()
export class ReviewTasksService {
  constructor(
    private readonly store: TaskStore,
    private readonly verdicts: VerdictPublisher,
    private readonly metrics: ReviewMetrics,
    private readonly config: HumanTaskConfig,
    private readonly views: TaskViews,
    private readonly erasure: ReviewTaskErasure,
  ) {}

  /**
   * Opens the task of a REVIEW decision; a redelivered decision leaves its task untouched.
   * The task keeps the current trace context (the decision record's processing) for its verdict.
   */
  async open(decision: ClaimDecided, receivedAt: number): Promise<void> {
    const policy = { slaMinutes: this.config.SLA_MINUTES, recommendRejectAt: this.config.RECOMMEND_REJECT_AT };
    const task = newTask(decision, policy, receivedAt, injectIntoHeaders(context.active(), {}));
    const subjectRef = this.erasure.subjectOf(decision);
    if (await this.store.create(task, subjectRef)) this.metrics.tasksCreated.inc();
    await this.erasure.redactIfErased(task.taskId, subjectRef);
  }

  async get(taskId: string, callerId: string | undefined): Promise<TaskView> {
    return this.views.of(await this.existing(taskId), callerId, Date.now());
  }

  /** A lease of LEASE_SECONDS on the task for the caller; the holder claiming again renews it. */
  async claim(taskId: string, reviewerId: string): Promise<TaskView> {
    const now = Date.now();
    const result = await this.store.claim(taskId, reviewerId, now, this.config.LEASE_SECONDS * 1000);
    if (result.kind === 'not_found') throw notFound(taskId);
    if (result.kind === 'already_completed') throw await this.alreadyCompleted(taskId, reviewerId);
    if (result.kind === 'claimed_by_other') {
      throw await this.conflict(taskId, reviewerId, 'claimed_by_other', `the task is claimed by ${result.lease.holder} until ${iso(result.lease.expiresAt)}; try again after that`);
    }
    return this.get(taskId, reviewerId);
  }

  /**
   * Records the caller's verdict if they hold a live lease, then publishes reviews.completed.v1.
   * The state change is atomic in Redis, so a second completion is a 409 and never a second event.
   */
  async complete(taskId: string, reviewerId: string, outcome: ReviewOutcome, note: string): Promise<CompletedTask> {
    const task = await this.existing(taskId);
    const now = Date.now();
    // The stored subject: an erasure may have redacted the customer id in the task's decision.
    const subjectRef = (await this.store.subjectOf(taskId)) ?? this.erasure.subjectOf(task.decision);
    const event = reviewCompletedOf(task, outcome, note, reviewerId, now, subjectRef);
    const result = await this.store.complete(taskId, reviewerId, now, outcome, note, event);
    if (result.kind !== 'completed') throw await this.refusal(taskId, reviewerId, result);
    this.metrics.tasksCompleted.inc({ outcome });
    await this.erasure.redactIfErased(taskId, subjectRef);
    const completed = await this.existing(taskId);
    const published = await this.verdicts.publish(completed);
    return { task: await this.views.of({ ...completed, verdict: completed.verdict && { ...completed.verdict, published } }, reviewerId, Date.now()), published };
  }

  private async refusal(taskId: string, reviewerId: string, result: Exclude<CompleteResult, { kind: 'completed' }>): Promise<Error> {
    switch (result.kind) {
      case 'not_found':
        return notFound(taskId);
      case 'already_completed':
        return this.alreadyCompleted(taskId, reviewerId);
      case 'lease_expired':
        return this.conflict(taskId, reviewerId, 'lease_expired', `your lease on this task expired at ${iso(result.expiredAt)}, so the verdict was not recorded; claim the task again and resubmit`);
      case 'claimed_by_other':
        return this.conflict(taskId, reviewerId, 'claimed_by_other', `the task is claimed by ${result.lease.holder} until ${iso(result.lease.expiresAt)}, so your verdict was not recorded`);
      case 'not_claimed':
        return this.conflict(taskId, reviewerId, 'not_claimed', 'claim the task before completing it; nobody else holds it now');
    }
  }

  private async alreadyCompleted(taskId: string, reviewerId: string): Promise<Error> {
    const verdict = (await this.store.get(taskId))?.verdict;
    const by = verdict ? ` by ${verdict.reviewerId} (${verdict.outcome}) at ${iso(verdict.completedAt)}` : '';
    return this.conflict(taskId, reviewerId, 'already_completed', `this task was already completed${by}; nothing was changed`);
  }

  /** A 409 that also carries the task as it is now, so a client can show the current state. */
  private async conflict(taskId: string, reviewerId: string, error: string, message: string): Promise<ConflictException> {
    const task = await this.store.get(taskId);
    return new ConflictException({ error, message, task: task ? await this.views.of(task, reviewerId, Date.now()) : undefined });
  }

  private async existing(taskId: string): Promise<ReviewTask> {
    const task = await this.store.get(taskId);
    if (!task) throw notFound(taskId);
    return task;
  }
}

function notFound(taskId: string): NotFoundException {
  return new NotFoundException({ error: 'not_found', message: `there is no review task ${taskId}` });
}
