import type { CallOptions as GrpcCallOptions, requestCallback } from '@grpc/grpc-js';
import { TritonError } from './triton-error';

export interface CallOptions {
  /** When the call gives up (DEADLINE_EXCEEDED): a Date or epoch milliseconds. Default: now + the client's timeout. */
  deadline?: Date | number;
}

/**
 * One unary call of a Triton client with a deadline, as a promise: a failed call is a
 * TritonError naming the method and the server, so callers over several shards know which failed.
 */
export function unaryCall<T>(
  method: string,
  target: string,
  deadline: Date | number,
  invoke: (callOptions: GrpcCallOptions, callback: requestCallback<T>) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    invoke({ deadline }, (error, response) => {
      if (error) reject(new TritonError(method, target, error));
      else if (response === undefined) reject(new Error(`Triton ${method} on ${target} returned no message`));
      else resolve(response);
    });
  });
}
