import { backoffDelay, retryTransient, StoppedError } from './backoff';

const options = { initialMs: 100, maxMs: 1000, multiplier: 2 };

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const noJitter = () => 0.5;
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads retries by at most 20% either way', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(160);
    expect(backoffDelay(1, options, () => 1)).toBe(240);
  });
});

describe('retryTransient', () => {
  const control = (overrides = {}) => ({
    backoff: { initialMs: 1, maxMs: 2, multiplier: 2 },
    shouldContinue: () => true,
    isPermanent: (e: unknown) => (e as Error).message === 'permanent',
    onRetry: jest.fn(),
    ...overrides,
  });

  it('retries transient failures until the operation succeeds', async () => {
    let calls = 0;
    const c = control();
    const result = await retryTransient(async () => {
      if (++calls < 3) throw new Error('flaky');
      return 'done';
    }, c);
    expect(result).toBe('done');
    expect(c.onRetry).toHaveBeenCalledTimes(2);
  });

  it('rethrows a permanent error at once', async () => {
    const c = control();
    await expect(retryTransient(() => Promise.reject(new Error('permanent')), c)).rejects.toThrow('permanent');
    expect(c.onRetry).not.toHaveBeenCalled();
  });

  it('gives up with StoppedError once asked to stop', async () => {
    await expect(
      retryTransient(() => Promise.reject(new Error('flaky')), control({ shouldContinue: () => false })),
    ).rejects.toBeInstanceOf(StoppedError);
  });
});
