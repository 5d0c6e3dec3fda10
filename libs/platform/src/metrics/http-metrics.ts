import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/** The route label of requests answered before any route matched (unknown paths, unreadable bodies): one series, not one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Middleware bound to every path (`{/*splat}`, as nestjs-pino's is) leaves its route on requests no controller takes. */
const CATCH_ALL = /^\/?\{?\/?\*\w*\}?$/;

/**
 * The route template the request was served by (`/v1/claims/:claimId`), never the raw URL,
 * so the label has one value per route. Express sets `req.route` once a route matches, which
 * includes requests a guard refuses (401/403) or a handler throttles (429).
 */
export function routeTemplateOf(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' && !CATCH_ALL.test(path) ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}

/**
 * `http_server_request_duration_seconds{method,route,status_code}` for every HTTP request:
 * p50/p95/p99 per route from the buckets, request and error rates (429s included) from `_count`.
 * Measured from the first middleware to the last byte handed to the socket.
 */
export function useHttpMetrics(app: INestApplication, registry: Registry): void {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeTemplateOf(req), status_code: String(res.statusCode) }));
    next();
  });
}
