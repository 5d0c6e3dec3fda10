import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { baseMetricName, metricNamesIn } from './promql-metric-names';
import { defaultProcessMetrics, metricsRegisteredInSources, SCRAPE_METRICS, TRITON_METRICS } from './registered-metrics';

const DIR = join(__dirname, '..');

interface Target {
  refId?: string;
  expr?: string;
  datasource?: unknown;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: unknown;
  targets?: Target[];
  gridPos?: { x: number; y: number; w: number; h: number };
  panels?: Panel[];
}
interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}

const dashboardText = readFileSync(join(DIR, 'grafana', 'claims-mesh.dashboard.json'), 'utf8');
const rules: Rule[] = (parse(readFileSync(join(DIR, 'rules', 'claims-mesh.rules.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);

function dashboardPanels(): Panel[] {
  const dashboard = JSON.parse(dashboardText) as { panels: Panel[] };
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

const queryPanels = () => dashboardPanels().filter((p) => p.type !== 'row');

describe('Grafana dashboard', () => {
  it('is valid JSON with a uid, a title and panels', () => {
    const dashboard = JSON.parse(dashboardText);
    expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String) });
    expect(queryPanels().length).toBeGreaterThan(10);
  });

  it('gives every panel a unique id', () => {
    const ids = dashboardPanels().map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every panel a Prometheus datasource and queries with an expression and a unique refId', () => {
    for (const panel of queryPanels()) {
      const where = `panel ${panel.id} "${panel.title}"`;
      expect({ where, datasource: panel.datasource }).toEqual({ where, datasource: { type: 'prometheus', uid: '${datasource}' } });
      expect({ where, targets: panel.targets?.length ?? 0 }).toEqual({ where, targets: expect.any(Number) });
      expect(panel.targets!.length).toBeGreaterThan(0);
      for (const target of panel.targets!) expect({ where, expr: typeof target.expr === 'string' && target.expr.trim() !== '' }).toEqual({ where, expr: true });
      const refIds = panel.targets!.map((t) => t.refId);
      expect({ where, refIds: new Set(refIds).size }).toEqual({ where, refIds: refIds.length });
    }
  });

  it('lays every panel out inside the 24-column grid', () => {
    for (const { id, gridPos } of dashboardPanels()) {
      expect({ id, fits: !!gridPos && gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24 && gridPos.h > 0 }).toEqual({ id, fits: true });
    }
  });
});

describe('metric names in the dashboard and the alert rules', () => {
  let known: Set<string>;

  beforeAll(async () => {
    const recorded = rules.flatMap((r) => (r.record ? [r.record] : []));
    known = new Set([...metricsRegisteredInSources(), ...(await defaultProcessMetrics()), ...TRITON_METRICS, ...SCRAPE_METRICS, ...recorded]);
  });

  it('finds the metrics the services register in their sources', () => {
    const registered = metricsRegisteredInSources();
    for (const name of [
      'http_server_request_duration_seconds',
      'kafka_consumer_lag',
      'kafka_dlq_records_total',
      'reviews_open_tasks',
      'rollout_stage_since_timestamp_seconds',
      'model_input_drift_psi',
      'gateway_routing_records_total',
    ]) {
      expect(registered).toContain(name);
    }
  });

  it('reads the metric names out of PromQL', () => {
    expect(
      metricNamesIn('sum by (group, topic) (rate(kafka_dlq_records_total{topic=~"a.*"}[$__rate_interval])) / on () up > 1e6 and claims:x:rate1h offset 1h').sort(),
    ).toEqual(['claims:x:rate1h', 'kafka_dlq_records_total', 'up']);
  });

  it('uses only metrics a service registers, Triton exports or a recording rule records', () => {
    const exprs = [
      ...queryPanels().flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr! }))),
      ...rules.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
    ];
    const unknown = exprs.flatMap(({ where, expr }) => metricNamesIn(expr).filter((n) => !known.has(baseMetricName(n)) && !known.has(n)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it("alerts on lag, p99, dead letters, the model's input drift, overrides, an ejected shard and the model lifecycle", () => {
    const alerts = rules.flatMap((r) => (r.alert ? [r.alert] : []));
    expect(alerts).toEqual(
      expect.arrayContaining([
        'KafkaConsumerLagGrowing',
        'HttpP99OverSlo',
        'DeadLetterRateHigh',
        'ModelInputDriftHigh',
        'ReviewerOverrideRateJump',
        'TritonShardEjected',
        'ModelRolledBack',
        'RolloutCandidateStuck',
        'RolloutRecordsRejected',
      ]),
    );
    // The first-window feature drift no longer alerts: the model's input drift replaces it.
    expect(alerts).not.toContain('FeatureDriftHigh');
  });
});

describe('Prometheus scrape config', () => {
  const config = parse(readFileSync(join(DIR, 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const targetsOf = (job: string) => config.scrape_configs.find((c) => c.job_name === job)?.static_configs.flatMap((s) => s.targets) ?? [];

  it('scrapes the seven services on their ports (the rollout controller on 3007) and both Triton metrics ports', () => {
    expect(targetsOf('claims-mesh').sort()).toEqual(['3001', '3002', '3003', '3004', '3005', '3006', '3007'].map((p) => `127.0.0.1:${p}`));
    expect(targetsOf('triton').sort()).toEqual(['127.0.0.1:8002', '127.0.0.1:8102']);
  });
});
