/**
 * The environment that has a service keep `ratio` of the claims' traces, chosen at the root
 * (ingest, or the bench's producer) and followed downstream through the trace context, as a
 * deployment at thousands of claims a second would run; every claim is traced at 1.
 */
export function traceSamplingEnv(ratio: number): Record<string, string> {
  return ratio < 1
    ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) }
    : {};
}
