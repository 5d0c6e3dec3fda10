import { FeatureDrift } from './feature-drift';

const WINDOW = 100;

function feed(drift: FeatureDrift, values: number[]): void {
  for (const value of values) drift.observe(value);
}

/** 0..99 in a scrambled but fixed order: the same histogram every time it is fed. */
const spread = Array.from({ length: WINDOW }, (_, i) => (i * 37) % WINDOW);

describe('FeatureDrift', () => {
  it('has no PSI until the reference and the rolling window are both full', () => {
    const drift = new FeatureDrift(WINDOW, 10);
    feed(drift, spread);
    expect(drift.psi()).toBeUndefined();
    feed(drift, spread.slice(0, WINDOW - 1));
    expect(drift.psi()).toBeUndefined();
    drift.observe(spread[WINDOW - 1]);
    expect(drift.psi()).toBeDefined();
  });

  it('stays near 0 while values keep the reference distribution', () => {
    const drift = new FeatureDrift(WINDOW, 10);
    feed(drift, [...spread, ...spread]);
    expect(drift.psi()).toBeCloseTo(0, 12);
  });

  it('rises well past 0.25 when the values shift', () => {
    const drift = new FeatureDrift(WINDOW, 10);
    feed(drift, [...spread, ...spread.map((v) => v + 60)]);
    expect(drift.psi()).toBeGreaterThan(0.25);
  });

  it('forgets values older than the rolling window', () => {
    const drift = new FeatureDrift(WINDOW, 10);
    feed(drift, [...spread, ...spread.map((v) => v + 1_000)]);
    const shifted = drift.psi() as number;
    feed(drift, spread);
    expect(shifted).toBeGreaterThan(1);
    expect(drift.psi()).toBeCloseTo(0, 12);
  });

  it('sees a shift of a feature whose reference is a single value', () => {
    const drift = new FeatureDrift(WINDOW, 10);
    feed(drift, [...new Array<number>(WINDOW).fill(1), ...new Array<number>(WINDOW).fill(3)]);
    expect(drift.psi()).toBeGreaterThan(1);
  });
});
