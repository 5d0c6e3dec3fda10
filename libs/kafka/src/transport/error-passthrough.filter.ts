import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception filter replaces any error with a generic "Internal server
 * error" object. The transport needs the real error to tell a record that can never be
 * processed (dead letter) from a transient failure (retry), so handler errors pass through.
 */
@Catch()
export class HandlerErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
