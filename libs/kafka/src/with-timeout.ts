/**
 * `promise`, or a rejection once `ms` have passed without it settling: an Error naming `what`, or
 * the error `what` makes when the caller needs its own (e.g. one carrying librdkafka's timeout code).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | (() => Error)): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(typeof what === 'string' ? new Error(`${what}: gave up after ${ms} ms`) : what()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
