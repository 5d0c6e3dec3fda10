import type { ClaimDecided, ReviewCompleted, ReviewOutcome } from '@claims-mesh/contracts';
import { dueMember, priorityOf, queueMember } from './queue-order';

export type TaskStatus = 'open' | 'claimed' | 'completed';

export interface Lease {
  holder: string;
  expiresAt: number;
}

export interface Verdict {
  outcome: ReviewOutcome;
  note: string;
  reviewerId: string;
  completedAt: number;
  /** The reviews.completed.v1 record, fixed when the task completed so a republish sends the same. */
  event: ReviewCompleted;
  /** Whether Kafka acknowledged the event (acks=all). */
  published: boolean;
}

/**
 * A review task: one REVIEW decision waiting for a human. Its id is the decision's actionId,
 * so a redelivered decision finds its task instead of making a second one. "Claimed" is not
 * stored: it is an open task whose lease has not expired yet.
 */
export interface ReviewTask {
  taskId: string;
  decision: ClaimDecided;
  priority: number;
  dueAt: number;
  createdAt: number;
  /** What the rules would have done with this score had no human been asked. */
  modelRecommendation: ReviewOutcome;
  /** The task's place in the to-do index (priority, due) and in the due index. */
  queueMember: string;
  dueMember: string;
  state: 'open' | 'completed';
  /** W3C trace context (traceparent/tracestate) of the decision's processing, so the verdict continues the claim's trace. */
  trace: Record<string, string>;
  lease?: Lease;
  verdict?: Verdict;
}

export interface TaskPolicy {
  slaMinutes: number;
  recommendRejectAt: number;
}

/** The task for a REVIEW decision; due SLA minutes after the decision was taken. */
export function newTask(decision: ClaimDecided, policy: TaskPolicy, receivedAt: number, trace: Record<string, string>): ReviewTask {
  const priority = priorityOf(decision);
  const dueAt = (decision.timestamps.decidedAt ?? receivedAt) + policy.slaMinutes * 60_000;
  return {
    taskId: decision.actionId,
    decision,
    priority,
    dueAt,
    createdAt: receivedAt,
    modelRecommendation: decision.fraudProbability >= policy.recommendRejectAt ? 'REJECT' : 'APPROVE',
    queueMember: queueMember(priority, dueAt, decision.actionId),
    dueMember: dueMember(dueAt, decision.actionId),
    state: 'open',
    trace,
  };
}

export function statusOf(task: ReviewTask, now: number): TaskStatus {
  if (task.state === 'completed') return 'completed';
  return task.lease && task.lease.expiresAt > now ? 'claimed' : 'open';
}

export function isOverdue(task: ReviewTask, now: number): boolean {
  return task.state !== 'completed' && task.dueAt <= now;
}
