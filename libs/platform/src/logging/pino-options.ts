import { context } from '@opentelemetry/api';
import type { Request } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import { routeTemplateOf } from '../metrics/http-metrics';
import { piiFieldNames, REDACTED, scrubPii } from './pii-scrub';
import { traceLogFields } from './trace-log-fields';

/** Headers that carry credentials: present in a log line only as REDACTED. */
const SECRET_HEADERS = ['authorization', 'x-api-key', 'cookie'];

/**
 * pino-http options for every service: one JSON object per line with the service name,
 * the trace and claim of the work in progress, and no personal data. Request bodies are
 * never logged; a request is logged once, when answered, by route template rather than URL
 * (a URL can hold a customer id), with its parameters and query scrubbed of PII fields.
 */
export function pinoHttpOptions(service: string, level: string): Options<IncomingMessage, ServerResponse> {
  const pii = piiFieldNames();
  return {
    level,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    messageKey: 'message',
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrubPii(object, pii),
    },
    mixin: () => traceLogFields(context.active()),
    redact: {
      paths: [...SECRET_HEADERS.map((h) => `req.headers["${h}"]`), 'req.body', 'body'],
      censor: REDACTED,
    },
    serializers: {
      req: (req: { id: unknown; method: string; headers: Record<string, unknown>; raw: Request }) => ({
        id: req.id,
        method: req.method,
        route: routeTemplateOf(req.raw),
        params: scrubPii(req.raw.params, pii),
        query: scrubPii(req.raw.query, pii),
        headers: req.headers,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The request is bound to the completion line only: when it is logged the route is known.
    quietReqLogger: true,
    quietResLogger: true,
    customSuccessObject: (req, _res, fields) => ({ ...fields, req, ...claimOfRequest(req as Request) }),
    customErrorObject: (req, _res, _error, fields) => ({ ...fields, req, ...claimOfRequest(req as Request) }),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // Probes and scrapes every few seconds would bury the requests that matter.
    autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|$|\?)/.test(req.url ?? '') },
  };
}

/** A request about one claim (`/v1/lineage/:claimId`) names it on its log line like Kafka work does. */
function claimOfRequest(req: Request): { claimId?: string } {
  const claimId: unknown = req.params?.claimId;
  return typeof claimId === 'string' ? { claimId } : {};
}
