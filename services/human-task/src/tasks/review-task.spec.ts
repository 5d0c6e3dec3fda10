import { deterministicUuid } from '@claims-mesh/contracts';
import { sampleDecided } from '@claims-mesh/testing';
import { reviewCompletedOf } from './review-event';
import { isOverdue, newTask, statusOf } from './review-task';

const POLICY = { slaMinutes: 30, recommendRejectAt: 0.5 };

describe('review task', () => {
  it('is identified by the actionId and due SLA minutes after the decision', () => {
    const decision = sampleDecided();
    const task = newTask(decision, POLICY, 123, {});
    expect(task.taskId).toBe(decision.actionId);
    expect(task.dueAt).toBe((decision.timestamps.decidedAt as number) + 30 * 60_000);
    expect(newTask({ ...decision, timestamps: { ...decision.timestamps, decidedAt: null } }, POLICY, 1_000, {}).dueAt).toBe(1_000 + 30 * 60_000);
  });

  it('takes the model side from the fraud probability: REJECT from RECOMMEND_REJECT_AT on', () => {
    const decided = sampleDecided();
    expect(newTask({ ...decided, fraudProbability: 0.5 }, POLICY, 0, {}).modelRecommendation).toBe('REJECT');
    expect(newTask({ ...decided, fraudProbability: 0.49 }, POLICY, 0, {}).modelRecommendation).toBe('APPROVE');
  });

  it('counts as claimed only while its lease lasts, and as overdue only while open', () => {
    const task = { ...newTask(sampleDecided(), POLICY, 0, {}), lease: { holder: 'r', expiresAt: 1_000 } };
    expect(statusOf(task, 999)).toBe('claimed');
    expect(statusOf(task, 1_000)).toBe('open');
    expect(isOverdue(task, task.dueAt)).toBe(true);
    expect(isOverdue({ ...task, state: 'completed' }, task.dueAt + 1)).toBe(false);
  });

  it('makes a verdict event with an id derived from the task and the decision timestamps carried on', () => {
    const decision = sampleDecided();
    const task = newTask({ ...decision, fraudProbability: 0.8 }, POLICY, 0, {});
    const event = reviewCompletedOf(task, 'APPROVE', 'fine', 'reviewer-7', 5_000, 'ref-of-the-customer');
    expect(event).toEqual({
      eventId: deterministicUuid('review-completed', decision.actionId),
      claimId: decision.claimId,
      taskId: decision.actionId,
      actionId: decision.actionId,
      outcome: 'APPROVE',
      reviewerId: 'reviewer-7',
      note: 'fine',
      subjectRef: 'ref-of-the-customer',
      modelRecommendation: 'REJECT',
      completedAt: 5_000,
      timestamps: { ...decision.timestamps, reviewedAt: 5_000 },
      selection: 'RISK',
    });
    expect(reviewCompletedOf(task, 'REJECT', 'other', 'someone-else', 9_000, 'ref-of-the-customer').eventId).toBe(event.eventId);
  });

  it('says which way the claim was drawn for review: by risk, or as an audit sample', () => {
    const sampled = { ...sampleDecided(), reasonCodes: ['NO_RISK_FOUND', 'AUDIT_SAMPLE'] };
    expect(reviewCompletedOf(newTask(sampled, POLICY, 0, {}), 'APPROVE', 'ok', 'r-1', 1, 'ref').selection).toBe('AUDIT_SAMPLE');
  });
});
