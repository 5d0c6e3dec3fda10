import { status, type ServiceError } from '@grpc/grpc-js';

/**
 * A Triton call that failed, naming the call and the server: a caller routing over several
 * shards needs to know which one failed, and the gRPC code tells a refused request
 * (INVALID_ARGUMENT, NOT_FOUND) from a server that is down or slow (UNAVAILABLE, DEADLINE_EXCEEDED).
 */
export class TritonError extends Error {
  readonly code: status;
  readonly details: string;

  constructor(
    readonly method: string,
    readonly target: string,
    cause: ServiceError,
  ) {
    super(`Triton ${method} on ${target} failed: ${status[cause.code]}: ${cause.details}`, { cause });
    this.name = 'TritonError';
    this.code = cause.code;
    this.details = cause.details;
  }
}
