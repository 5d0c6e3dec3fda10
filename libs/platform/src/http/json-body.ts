import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import type { INestApplication } from '@nestjs/common';

/**
 * JSON request bodies for every service: a size limit (413), JSON only (415), and parse
 * errors answered as JSON (400) instead of Express's default HTML pages.
 */
export function useJsonBodies(app: INestApplication, maxBodyBytes: number): void {
  app.use(requireJsonContentType);
  app.use(express.json({ limit: maxBodyBytes, type: 'application/json', verify: requireUtf8 }));
  app.use(bodyErrorsAsJson);
}

function requireJsonContentType(req: Request, res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    res.status(415).json({
      error: 'unsupported_media_type',
      message: `the request body must be application/json, not ${req.headers['content-type'] ?? 'unspecified'}`,
    });
    return;
  }
  next();
}

/** JSON is UTF-8 (RFC 8259); invalid bytes would otherwise be decoded silently as U+FFFD. */
function requireUtf8(_req: Request, _res: Response, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400, type: 'encoding.invalid' });
}

function bodyErrorsAsJson(error: { type?: string; status?: number; limit?: number; message: string }, _req: Request, res: Response, next: NextFunction): void {
  if (error.type === 'entity.too.large') {
    res.status(413).json({ error: 'payload_too_large', message: `the request body is larger than ${error.limit} bytes` });
  } else if (error.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'malformed_json', message: `the request body is not valid JSON: ${error.message}` });
  } else if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    res.status(415).json({ error: 'unsupported_media_type', message: error.message });
  } else if (error.status && error.status >= 400 && error.status < 500) {
    res.status(error.status).json({ error: 'bad_request', message: error.message });
  } else {
    next(error);
  }
}
