import { deterministicUuid, ReviewCompleted, ReviewOutcome, reviewSelectionOf } from '@claims-mesh/contracts';
import type { ReviewTask } from './review-task';

/** eventId of a task's verdict: derived from the task, so any republish carries the same id. */
export function reviewEventId(taskId: string): string {
  return deterministicUuid('review-completed', taskId);
}

/**
 * The reviews.completed.v1 record of a verdict; the decision's stage timestamps carry on. The
 * subject is the claim's customer (their pseudonym, PersonalData.subjectRef): the reviewer's
 * id and note are sealed under it, and erased with it.
 */
export function reviewCompletedOf(task: ReviewTask, outcome: ReviewOutcome, note: string, reviewerId: string, completedAt: number, subjectRef: string): ReviewCompleted {
  const { decision } = task;
  return {
    eventId: reviewEventId(task.taskId),
    claimId: decision.claimId,
    taskId: task.taskId,
    actionId: decision.actionId,
    outcome,
    reviewerId,
    note,
    subjectRef,
    modelRecommendation: task.modelRecommendation,
    completedAt,
    timestamps: { ...decision.timestamps, reviewedAt: completedAt },
    selection: reviewSelectionOf(decision.reasonCodes),
  };
}
