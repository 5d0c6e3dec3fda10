// Prints the dashboard's queries as a Prometheus rules file (one recording rule per query, with
// Grafana's variables given sample values) so `promtool check rules` parses every panel's PromQL.
//   node infra/observability/checks/dashboard-exprs-as-rules.mjs | promtool check rules
import { readFileSync } from 'node:fs';
import { stdout } from 'node:process';
import { URL } from 'node:url';

const dashboard = JSON.parse(readFileSync(new URL('../grafana/claims-mesh.dashboard.json', import.meta.url), 'utf8'));
const SAMPLE_VALUES = { __rate_interval: '1m', __interval: '1m', service: 'ingest' };

const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const rules = panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({
    record: `dashboard:panel_${panel.id}_${target.refId}`,
    expr: target.expr.replace(/\$(\w+)/g, (whole, name) => SAMPLE_VALUES[name] ?? whole),
  })),
);
// JSON is YAML, so the rules file needs no YAML writer.
stdout.write(`${JSON.stringify({ groups: [{ name: 'dashboard-queries', rules }] }, null, 2)}\n`);
