/** Offered rate and length of one step of the benchmark. */
export interface RateStep {
  claimsPerSecond: number;
  seconds: number;
}

const numbers = (raw: string) =>
  raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);

/**
 * The rates each pipeline is driven at, in increasing order (BENCH_RATES, claims/s), each for
 * BENCH_STEP_SECONDS (60 s: the target is 5,000 claims/s sustained for 60 s).
 */
export function rateSteps(env: NodeJS.ProcessEnv = process.env): RateStep[] {
  const rates = numbers(env.BENCH_RATES ?? '1000,2000,3500,5000,7000').sort((a, b) => a - b);
  const seconds = Number(env.BENCH_STEP_SECONDS ?? 60);
  if (rates.length === 0 || !(seconds > 0))
    throw new Error('BENCH_RATES and BENCH_STEP_SECONDS must be positive');
  return rates.map((claimsPerSecond) => ({ claimsPerSecond, seconds }));
}
