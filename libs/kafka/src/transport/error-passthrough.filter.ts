import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception filter replaces any error with a generic "Internal server
 * error" object. The transport needs the real error to tell a record that can never be
 * processed (dead letter) from a transient failure (retry), so errors from Kafka handlers
 * pass through unchanged; HTTP errors get Nest's usual handling. Register it as a global
 * filter before the Kafka consumer is connected (filters are bound when handlers are).
 */
@Catch()
export class HandlerErrorPassthroughFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
