import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/** Where the build copies public/ (next to main.js). */
const PAGE_DIR = join(__dirname, '..', 'public');

// The page loads only its own files and calls only this service's API.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The reviewer page at `/`: plain HTML, CSS and one script that calls the REST API. Public: the
 * files hold no data and every call the script makes sends the reviewer's key. Static middleware
 * adds no route, so the boot check of routes (assertRoutesGuarded) has nothing to account for.
 */
export function serveReviewerPage(app: INestApplication): void {
  (app as NestExpressApplication).useStaticAssets(PAGE_DIR, {
    index: 'index.html',
    setHeaders: (res: Response) => {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'no-cache');
    },
  });
}
