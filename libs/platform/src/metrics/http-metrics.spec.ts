import { Controller, Get, HttpException, INestApplication, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MetricValueWithName, Registry } from 'prom-client';
import { routeTemplateOf, UNMATCHED_ROUTE, useHttpMetrics } from './http-metrics';

@Controller('v1/things')
class ThingsController {
  @Get(':thingId')
  get(@Param('thingId') thingId: string): { thingId: string } {
    if (thingId === 'busy') throw new HttpException({ error: 'too_many_requests' }, 429);
    return { thingId };
  }
}

describe('http_server_request_duration_seconds', () => {
  let app: INestApplication;
  let registry: Registry;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    registry = new Registry();
    useHttpMetrics(app, registry);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  async function count(labels: Record<string, string>): Promise<number> {
    const metric = await registry.getSingleMetric('http_server_request_duration_seconds')!.get();
    const values = metric.values as (MetricValueWithName<string> & { value: number })[];
    const matches = values.filter(
      (v) => v.metricName === 'http_server_request_duration_seconds_count' && Object.entries(labels).every(([k, x]) => v.labels[k] === x),
    );
    return matches.reduce((sum, v) => sum + v.value, 0);
  }

  it('labels requests with the route template, not the URL', async () => {
    await fetch(`${base}/v1/things/a`);
    await fetch(`${base}/v1/things/b`);
    expect(await count({ method: 'GET', route: '/v1/things/:thingId', status_code: '200' })).toBe(2);
    expect(await count({ route: '/v1/things/a' })).toBe(0);
  });

  it('counts throttled requests under their status code', async () => {
    await fetch(`${base}/v1/things/busy`);
    expect(await count({ route: '/v1/things/:thingId', status_code: '429' })).toBe(1);
  });

  it('puts every path no route matched in one series', async () => {
    await fetch(`${base}/nowhere/1`);
    await fetch(`${base}/nowhere/2`);
    expect(await count({ route: UNMATCHED_ROUTE, status_code: '404' })).toBe(2);
  });
});

describe('routeTemplateOf', () => {
  it('is the matched route under its router', () => {
    expect(routeTemplateOf({ baseUrl: '', route: { path: '/v1/lineage/:claimId' } })).toBe('/v1/lineage/:claimId');
    expect(routeTemplateOf({ baseUrl: '/api', route: { path: '/claims' } })).toBe('/api/claims');
  });

  it('is "unmatched" when only a catch-all middleware route was crossed', () => {
    for (const path of ['{/*splat}', '/{*path}', '/*', '*']) expect(routeTemplateOf({ baseUrl: '', route: { path } })).toBe(UNMATCHED_ROUTE);
    expect(routeTemplateOf({ baseUrl: '', route: undefined })).toBe(UNMATCHED_ROUTE);
  });
});
