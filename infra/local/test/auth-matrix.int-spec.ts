import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Mesh } from '@claims-mesh/testing';
import { ENDPOINTS, Endpoint, expectedStatus, Role, ROLES } from './auth-matrix';

// The security matrix: every endpoint of auth-matrix.ts called with no key, a wrong key and each
// role's dev key must answer exactly the expected status; and every route the services declare
// must be in the table with the scope it declares.

const CALLERS: (Role | 'no key' | 'wrong key')[] = ['no key', 'wrong key', ...(Object.keys(ROLES) as Role[])];
const REQUIRED_SCOPE = 'requiredScope'; // the metadata key of @RequiresScope (libs/platform)
const PUBLIC_ROUTE = 'publicRoute'; // the metadata key of @Public() (libs/platform)

interface DeclaredRoute {
  service: string;
  method: string;
  route: string;
  scope: string | undefined;
  public: boolean;
}

type ModuleRef = { module?: unknown; imports?: unknown[]; controllers?: unknown[] } | (new (...args: never[]) => unknown);

/** Every controller reachable from a module, dynamic modules (PlatformModule.forService) included. */
function controllersOf(root: unknown): (new (...args: never[]) => unknown)[] {
  const seen = new Set<unknown>();
  const controllers: (new (...args: never[]) => unknown)[] = [];
  const visit = (ref: unknown) => {
    if (!ref || seen.has(ref)) return;
    seen.add(ref);
    const module = ref as ModuleRef;
    if (typeof module === 'function') {
      controllers.push(...((Reflect.getMetadata('controllers', module) as []) ?? []));
      ((Reflect.getMetadata('imports', module) as unknown[]) ?? []).forEach(visit);
    } else {
      controllers.push(...((module.controllers ?? []) as []));
      (module.imports ?? []).forEach(visit);
      visit(module.module);
    }
  };
  visit(root);
  return controllers;
}

function joinRoute(...parts: (string | undefined)[]): string {
  const route = `/${parts.filter(Boolean).join('/')}`.replace(/\/+/g, '/');
  return route.length > 1 ? route.replace(/\/$/, '') : route;
}

/** The HTTP routes a service's Nest module declares, with the scope each requires (handler over controller). */
function declaredRoutes(service: string, root: unknown): DeclaredRoute[] {
  return controllersOf(root).flatMap((controller) => {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
    const classScope = Reflect.getMetadata(REQUIRED_SCOPE, controller) as string | undefined;
    const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') return [];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return []; // a Kafka @EventPattern handler
      const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
      const scope = (Reflect.getMetadata(REQUIRED_SCOPE, handler) as string | undefined) ?? classScope;
      const isPublic = Reflect.getMetadata(PUBLIC_ROUTE, handler) === true || classPublic;
      return paths.map((path) => ({ service, method: RequestMethod[method], route: joinRoute(base, path), scope, public: isPublic }));
    });
  });
}

describe('security matrix: who may call which endpoint', () => {
  describe('the table', () => {
    // Loaded here, not at the top: importing six service modules is only needed for this check.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const modules: [string, () => unknown][] = [
      ['ingest', () => require('../../../services/ingest/src/ingest.module').IngestModule],
      ['feature', () => require('../../../services/feature/src/feature.module').FeatureModule],
      ['inference-gateway', () => require('../../../services/inference-gateway/src/inference-gateway.module').InferenceGatewayModule],
      ['decision', () => require('../../../services/decision/src/decision.module').DecisionModule],
      ['human-task', () => require('../../../services/human-task/src/human-task.module').HumanTaskModule],
      ['audit', () => require('../../../services/audit/src/audit.module').AuditModule],
    ];
    /* eslint-enable @typescript-eslint/no-require-imports */

    it('has a rule for every route a service declares, with the scope (or the @Public()) the route declares', () => {
      const declared = modules.flatMap(([service, load]) => declaredRoutes(service, load()));
      expect(declared.length).toBeGreaterThan(20);
      const rowOf = (r: DeclaredRoute) => ENDPOINTS.find((e) => !e.static && e.service === r.service && e.method === r.method && e.route === r.route);
      const missing = declared.filter((r) => !rowOf(r)).map((r) => `${r.service} ${r.method} ${r.route}`);
      expect(missing).toEqual([]);
      const wrongScope = declared
        .filter((r) => {
          const rule = rowOf(r)?.rule;
          return rule && ('scope' in rule ? rule.scope !== r.scope || r.public : r.scope !== undefined || !r.public);
        })
        .map((r) => `${r.service} ${r.method} ${r.route} declares ${r.scope ?? 'no scope'}${r.public ? ', @Public()' : ''}`);
      expect(wrongScope).toEqual([]);
      const stale = ENDPOINTS.filter((e) => !e.static && !declared.some((r) => r.service === e.service && r.method === e.method && r.route === e.route));
      expect(stale.map((e) => `${e.service} ${e.method} ${e.route}`)).toEqual([]);
    });

    it('lists every file of the reviewer page', () => {
      const files = readdirSync(join(__dirname, '..', '..', '..', 'services', 'human-task', 'public'));
      const listed = ENDPOINTS.filter((e) => e.service === 'human-task' && e.static).map((e) => e.route);
      expect(files.map((f) => `/${f}`).filter((f) => !listed.includes(f))).toEqual([]);
    });

    it('gives every public endpoint a reason', () => {
      expect(ENDPOINTS.filter((e) => 'public' in e.rule && e.rule.public.length < 20)).toEqual([]);
    });
  });

  describe('the running services (all six, real stack)', () => {
    let mesh: Mesh;

    beforeAll(async () => {
      mesh = await Mesh.start(14300);
    }, 120_000);

    afterAll(async () => {
      await mesh?.stop();
    });

    async function call(endpoint: Endpoint, caller: (typeof CALLERS)[number]): Promise<number | string> {
      const headers: Record<string, string> = {};
      if (caller === 'wrong key') headers['x-api-key'] = 'not-a-key-of-this-deployment';
      else if (caller !== 'no key') headers['x-api-key'] = ROLES[caller].key;
      if (endpoint.probe.body !== undefined) headers['content-type'] = 'application/json';
      try {
        const res = await fetch(mesh.service(endpoint.service).url(endpoint.probe.path), {
          method: endpoint.method,
          headers,
          body: endpoint.probe.body === undefined ? undefined : JSON.stringify(endpoint.probe.body),
        });
        await res.arrayBuffer();
        return res.status;
      } catch (error) {
        return `no answer (${String((error as Error).cause ?? error)})`;
      }
    }

    it('answers every endpoint with exactly the expected status for no key, a wrong key and each role', async () => {
      const mismatches: string[] = [];
      for (const endpoint of ENDPOINTS) {
        const statuses = await Promise.all(CALLERS.map((caller) => call(endpoint, caller)));
        statuses.forEach((status, i) => {
          const expected = expectedStatus(endpoint, CALLERS[i]);
          if (status !== expected) mismatches.push(`${endpoint.service} ${endpoint.method} ${endpoint.probe.path} as ${CALLERS[i]}: ${status}, expected ${expected}`);
        });
      }
      console.warn(`auth matrix: ${ENDPOINTS.length} endpoints x ${CALLERS.length} callers`);
      const exited = [...mesh.services.values()].filter((s) => !s.running);
      expect(exited.map((s) => `${s.name}: ${s.logs.slice(-1500)}`)).toEqual([]);
      expect(mismatches).toEqual([]);
    });
  });
});
