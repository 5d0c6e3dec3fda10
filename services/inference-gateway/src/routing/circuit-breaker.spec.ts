import { CircuitBreaker } from './circuit-breaker';

function breakerAt(clock: { t: number }) {
  return new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => clock.t });
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold of consecutive failures', () => {
    const breaker = breakerAt({ t: 0 });
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('opens on the threshold-th consecutive failure', () => {
    const breaker = breakerAt({ t: 0 });
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.isClosed).toBe(false);
  });

  it('counts only consecutive failures: a success in between starts over', () => {
    const breaker = breakerAt({ t: 0 });
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('turns half-open after the cool-down and lets exactly one probe through', () => {
    const clock = { t: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.t = 999;
    expect(breaker.tryStartProbe()).toBe(false);
    clock.t = 1000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryStartProbe()).toBe(true);
    expect(breaker.tryStartProbe()).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const clock = { t: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.t = 1000;
    breaker.tryStartProbe();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('opens for another cool-down when the probe fails', () => {
    const clock = { t: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.t = 1000;
    breaker.tryStartProbe();
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    clock.t = 1999;
    expect(breaker.state).toBe('open');
    clock.t = 2000;
    expect(breaker.state).toBe('half-open');
  });
});
