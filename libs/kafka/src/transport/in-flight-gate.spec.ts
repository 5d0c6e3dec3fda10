import { InFlightGate } from './in-flight-gate';

describe('InFlightGate', () => {
  it('is full at the bound and resumes paused partitions once drained to half', () => {
    const states: boolean[] = [];
    const gate = new InFlightGate(100, (paused) => states.push(paused));
    const resume = jest.fn();
    gate.acquire(100);
    expect(gate.isFull()).toBe(true);
    gate.whenDrained(resume);
    gate.release(40); // 60 left: still above half
    expect(resume).not.toHaveBeenCalled();
    gate.release(10); // 50 left: drained
    expect(resume).toHaveBeenCalledTimes(1);
    expect(gate.isFull()).toBe(false);
    expect(states).toEqual([true, false]);
  });
});
