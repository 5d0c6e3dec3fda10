// Every HTTP endpoint of the six services and who may call it. auth-matrix.int-spec.ts calls each
// one with no key, a wrong key and every role's dev key, and checks that no route of any
// service's Nest router is missing from this table (or declares another scope than it says here).

/** The roles of infra/local/api-keys.json and their dev keys. */
export const ROLES = {
  ingest: { key: 'dev-ingest-key', scopes: ['claims:write', 'claims:read'] },
  reviewer: { key: 'dev-reviewer-key', scopes: ['reviews:read', 'reviews:write'] },
  auditor: { key: 'dev-auditor-key', scopes: ['audit:read'] },
  'auditor-pii': { key: 'dev-auditor-pii-key', scopes: ['audit:read', 'audit:pii'] },
  eraser: { key: 'dev-eraser-key', scopes: ['audit:read', 'audit:erase'] },
  admin: {
    key: 'dev-admin-key',
    scopes: ['claims:write', 'claims:read', 'reviews:read', 'reviews:write', 'audit:read', 'audit:pii', 'audit:erase', 'admin'],
  },
} as const;

export type Role = keyof typeof ROLES;

/** Either an API-key scope, or public with the reason it may be. */
export type Rule = { scope: string } | { public: string };

export interface Endpoint {
  service: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** The route as the service declares it (Nest path parameters as :name). */
  route: string;
  rule: Rule;
  /**
   * A request that an authorised caller gets one known status for, without side effects that
   * matter: e.g. an empty body that fails validation (400) or an id that does not exist (404).
   */
  probe: { path: string; body?: unknown; status: number };
  /** Served by Express middleware (static files, Swagger), not by a Nest controller. */
  static?: true;
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const HEALTH = 'liveness and readiness for the process supervisor and load balancer; says nothing about claims';
const METRICS = 'scraped by Prometheus inside the deployment network; series carry service, topic and status labels, never claim data';

/** /health/live, /health/ready and /metrics: every service has them (libs/platform). */
function platformEndpoints(service: string): Endpoint[] {
  return [
    { service, method: 'GET', route: '/health/live', rule: { public: HEALTH }, probe: { path: '/health/live', status: 200 } },
    { service, method: 'GET', route: '/health/ready', rule: { public: HEALTH }, probe: { path: '/health/ready', status: 200 } },
    { service, method: 'GET', route: '/metrics', rule: { public: METRICS }, probe: { path: '/metrics', status: 200 } },
  ];
}

const REVIEWER_PAGE = 'the reviewer page is plain HTML, CSS and script; every call it makes sends the reviewer\'s key';
const API_DOCS = 'the OpenAPI description of the ingest API holds no data';

export const ENDPOINTS: Endpoint[] = [
  ...['ingest', 'feature', 'inference-gateway', 'decision', 'human-task', 'audit'].flatMap(platformEndpoints),

  // ingest: submit claims
  { service: 'ingest', method: 'POST', route: '/v1/claims', rule: { scope: 'claims:write' }, probe: { path: '/v1/claims', body: {}, status: 400 } },
  { service: 'ingest', method: 'POST', route: '/v1/claims/batch', rule: { scope: 'claims:write' }, probe: { path: '/v1/claims/batch', body: {}, status: 400 } },
  // An authorised probe asks for a claim that does not exist (or is another client's): 404 alike.
  { service: 'ingest', method: 'GET', route: '/v1/claims/:claimId', rule: { scope: 'claims:read' }, probe: { path: `/v1/claims/${NO_SUCH_ID}`, status: 404 } },
  { service: 'ingest', method: 'POST', route: '/v1/claims/:claimId/evidence', rule: { scope: 'claims:write' }, probe: { path: `/v1/claims/${NO_SUCH_ID}/evidence`, body: {}, status: 404 } },
  { service: 'ingest', method: 'GET', route: '/docs', rule: { public: API_DOCS }, probe: { path: '/docs', status: 200 }, static: true },
  { service: 'ingest', method: 'GET', route: '/docs-json', rule: { public: API_DOCS }, probe: { path: '/docs-json', status: 200 }, static: true },
  { service: 'ingest', method: 'GET', route: '/docs-yaml', rule: { public: API_DOCS }, probe: { path: '/docs-yaml', status: 200 }, static: true },
  { service: 'human-task', method: 'GET', route: '/docs', rule: { public: API_DOCS }, probe: { path: '/docs', status: 200 }, static: true },
  { service: 'human-task', method: 'GET', route: '/docs-json', rule: { public: API_DOCS }, probe: { path: '/docs-json', status: 200 }, static: true },
  { service: 'human-task', method: 'GET', route: '/docs-yaml', rule: { public: API_DOCS }, probe: { path: '/docs-yaml', status: 200 }, static: true },
  { service: 'audit', method: 'GET', route: '/docs', rule: { public: API_DOCS }, probe: { path: '/docs', status: 200 }, static: true },
  { service: 'audit', method: 'GET', route: '/docs-json', rule: { public: API_DOCS }, probe: { path: '/docs-json', status: 200 }, static: true },
  { service: 'audit', method: 'GET', route: '/docs-yaml', rule: { public: API_DOCS }, probe: { path: '/docs-yaml', status: 200 }, static: true },

  // human-task: the review queue
  { service: 'human-task', method: 'GET', route: '/v1/tasks', rule: { scope: 'reviews:read' }, probe: { path: '/v1/tasks', status: 200 } },
  { service: 'human-task', method: 'GET', route: '/v1/tasks/:taskId', rule: { scope: 'reviews:read' }, probe: { path: `/v1/tasks/${NO_SUCH_ID}`, status: 404 } },
  { service: 'human-task', method: 'POST', route: '/v1/tasks/:taskId/claim', rule: { scope: 'reviews:write' }, probe: { path: `/v1/tasks/${NO_SUCH_ID}/claim`, status: 404 } },
  { service: 'human-task', method: 'POST', route: '/v1/tasks/:taskId/complete', rule: { scope: 'reviews:write' }, probe: { path: `/v1/tasks/${NO_SUCH_ID}/complete`, body: {}, status: 400 } },
  { service: 'human-task', method: 'GET', route: '/', rule: { public: REVIEWER_PAGE }, probe: { path: '/', status: 200 }, static: true },
  { service: 'human-task', method: 'GET', route: '/index.html', rule: { public: REVIEWER_PAGE }, probe: { path: '/index.html', status: 200 }, static: true },
  { service: 'human-task', method: 'GET', route: '/app.js', rule: { public: REVIEWER_PAGE }, probe: { path: '/app.js', status: 200 }, static: true },
  { service: 'human-task', method: 'GET', route: '/styles.css', rule: { public: REVIEWER_PAGE }, probe: { path: '/styles.css', status: 200 }, static: true },

  // audit: lineage, decided claims, erasure
  { service: 'audit', method: 'GET', route: '/v1/claims', rule: { scope: 'audit:read' }, probe: { path: '/v1/claims?limit=1', status: 200 } },
  { service: 'audit', method: 'GET', route: '/v1/lineage/:claimId', rule: { scope: 'audit:read' }, probe: { path: `/v1/lineage/${NO_SUCH_ID}`, status: 404 } },
  // An authorised probe erases a customer that never existed; the status of one never erased is a 404.
  { service: 'audit', method: 'DELETE', route: '/v1/subjects/:customerId', rule: { scope: 'audit:erase' }, probe: { path: '/v1/subjects/cust-auth-matrix-nobody', status: 202 } },
  { service: 'audit', method: 'GET', route: '/v1/subjects/:customerId/erasure', rule: { scope: 'audit:erase' }, probe: { path: '/v1/subjects/cust-auth-matrix-never-erased/erasure', status: 404 } },
];

/** The status a caller must get: the probe's for an authorised one, else 401 (no or unknown key) or 403 (scope missing). */
export function expectedStatus(endpoint: Endpoint, caller: Role | 'no key' | 'wrong key'): number {
  if ('public' in endpoint.rule) return endpoint.probe.status;
  if (caller === 'no key' || caller === 'wrong key') return 401;
  return (ROLES[caller].scopes as readonly string[]).includes(endpoint.rule.scope) ? endpoint.probe.status : 403;
}
