import { clientClaimFields, type Channel, type ReviewOutcome, type Route } from '@claims-mesh/contracts';
import { isOverdue, ReviewTask, statusOf, TaskStatus } from './review-task';

/** A task as the API shows it: times as ISO strings, status and overdue as of the request. */
export interface TaskView {
  taskId: string;
  claimId: string;
  actionId: string;
  status: TaskStatus;
  priority: number;
  dueAt: string;
  overdue: boolean;
  createdAt: string;
  lease: { holder: string; expiresAt: string; yours: boolean } | null;
  /** The claim as the reviewer reads it; its personal data is null once the customer was erased. */
  claim: {
    customerId: string | null;
    customerEmail: string | null;
    policyId: string | null;
    policyStartDate: string;
    product: string;
    amountMinor: number;
    currency: string;
    channel: Channel;
    description: string | null;
    mediaCount: number;
    serialNumber: string | null;
    region: string;
    submittedAt: string;
  };
  model: { name: string; version: string; route: Route; shard: string; fraudProbability: number; confidence: number; recommendation: ReviewOutcome };
  decision: { reasonCodes: string[]; ruleSetVersion: string; decidedAt: string | null };
  review: { outcome: ReviewOutcome; note: string; reviewerId: string; completedAt: string; eventId: string; published: boolean } | null;
}

export function toView(task: ReviewTask, callerId: string | undefined, now: number): TaskView {
  const { decision, verdict } = task;
  const { claim } = decision;
  const status = statusOf(task, now);
  return {
    taskId: task.taskId,
    claimId: decision.claimId,
    actionId: decision.actionId,
    status,
    priority: task.priority,
    dueAt: iso(task.dueAt),
    overdue: isOverdue(task, now),
    createdAt: iso(task.createdAt),
    lease: status === 'claimed' && task.lease ? { holder: task.lease.holder, expiresAt: iso(task.lease.expiresAt), yours: task.lease.holder === callerId } : null,
    claim: clientClaimFields(claim),
    model: {
      name: decision.model.name,
      version: decision.model.version,
      route: decision.route,
      shard: decision.shard,
      fraudProbability: decision.fraudProbability,
      confidence: decision.confidence,
      recommendation: task.modelRecommendation,
    },
    decision: {
      reasonCodes: decision.reasonCodes,
      ruleSetVersion: decision.ruleSetVersion,
      decidedAt: decision.timestamps.decidedAt === null ? null : iso(decision.timestamps.decidedAt),
    },
    review: verdict
      ? {
          outcome: verdict.outcome,
          note: verdict.note,
          reviewerId: verdict.reviewerId,
          completedAt: iso(verdict.completedAt),
          eventId: verdict.event.eventId,
          published: verdict.published,
        }
      : null,
  };
}

export function iso(epochMillis: number): string {
  return new Date(epochMillis).toISOString();
}
