import { sampleDecided } from '@claims-mesh/testing';
import { completedMember, dueByBound, dueMember, priorityOf, queueMember, taskIdOfMember } from './queue-order';

function decided(fraudProbability: number, amountMinor: number) {
  const d = sampleDecided();
  return { ...d, fraudProbability, claim: { ...d.claim, amountMinor } };
}

describe('review task order', () => {
  it('puts a likelier fraud above a larger amount', () => {
    expect(priorityOf(decided(0.9, 1_000))).toBeGreaterThan(priorityOf(decided(0.4, 5_000_000)));
  });

  it('lets the amount break near-ties in the fraud score', () => {
    expect(priorityOf(decided(0.6, 2_000_000))).toBeGreaterThan(priorityOf(decided(0.6, 2_000)));
  });

  it('stays within 0..100 for any score and amount', () => {
    expect(priorityOf(decided(0, 0))).toBe(0);
    expect(priorityOf(decided(1, 10_000_000_000))).toBe(100);
    expect(priorityOf(decided(Number.NaN, -5))).toBe(0);
  });

  it('sorts the to-do index by priority, then due time, then task id', () => {
    const members = [
      queueMember(40, 2_000, 'c'),
      queueMember(90, 9_000, 'b'),
      queueMember(40, 1_000, 'd'),
      queueMember(90, 9_000, 'a'),
    ].sort();
    expect(members.map(taskIdOfMember)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('sorts the due index earliest first and bounds it at a moment', () => {
    const members = [dueMember(3_000, 'late'), dueMember(1_000, 'early'), dueMember(2_000, 'now')].sort();
    expect(members.map(taskIdOfMember)).toEqual(['early', 'now', 'late']);
    expect(members.filter((m) => m < dueByBound(2_000)).map(taskIdOfMember)).toEqual(['early', 'now']);
  });

  it('sorts the completed index newest first', () => {
    const members = [completedMember(1_000, 'old'), completedMember(3_000, 'new'), completedMember(2_000, 'mid')].sort();
    expect(members.map(taskIdOfMember)).toEqual(['new', 'mid', 'old']);
  });
});
