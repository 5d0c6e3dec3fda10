import { config } from './config.js';

// The metrics a reader looks at first, in this order; every other metric follows.
const HEADLINE = [
  'http_req_duration{endpoint:ingest}',
  'http_req_failed',
  'claim_e2e_latency',
  'claim_e2e_decided',
  'http_reqs',
  'iterations',
  'dropped_iterations',
];

const escapeHtml = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function formatValue(metric, key, value) {
  if (typeof value !== 'number') return String(value);
  if (metric.type === 'rate' && key === 'rate') return `${(value * 100).toFixed(2)} %`;
  if (metric.contains === 'time') return `${value.toFixed(1)} ms`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function orderedMetrics(data) {
  const names = Object.keys(data.metrics);
  return [...HEADLINE.filter((n) => names.includes(n)), ...names.filter((n) => !HEADLINE.includes(n)).sort()];
}

/** Every threshold of the run with whether it held. */
function thresholdResults(data) {
  return orderedMetrics(data).flatMap((name) =>
    Object.entries(data.metrics[name].thresholds || {}).map(([rule, result]) => ({
      metric: name,
      rule,
      ok: result.ok,
    })),
  );
}

function textReport(data, files) {
  const lines = [
    `${config.suite}: ${thresholdResults(data).every((t) => t.ok) ? 'all thresholds held' : 'THRESHOLDS BROKEN'}`,
  ];
  for (const t of thresholdResults(data)) lines.push(`  ${t.ok ? 'ok    ' : 'BROKEN'} ${t.metric} ${t.rule}`);
  for (const name of HEADLINE.filter((n) => data.metrics[n])) {
    const m = data.metrics[name];
    const values = Object.entries(m.values)
      .map(([k, v]) => `${k}=${formatValue(m, k, v)}`)
      .join(' ');
    lines.push(`  ${name}: ${values}`);
  }
  for (const file of files) lines.push(`summary: ${file}`);
  return lines.join('\n') + '\n';
}

function htmlReport(data, startedAt) {
  const thresholds = thresholdResults(data);
  const held = thresholds.every((t) => t.ok);
  const thresholdRows = thresholds
    .map(
      (t) =>
        `<tr class="${t.ok ? 'ok' : 'broken'}"><td>${escapeHtml(t.metric)}</td><td>${escapeHtml(t.rule)}</td><td>${t.ok ? 'held' : 'BROKEN'}</td></tr>`,
    )
    .join('\n');
  const metricRows = orderedMetrics(data)
    .map((name) => {
      const m = data.metrics[name];
      const values = Object.entries(m.values)
        .map(([k, v]) => `${escapeHtml(k)} <b>${escapeHtml(formatValue(m, k, v))}</b>`)
        .join(' &middot; ');
      return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(m.type)}</td><td>${values}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>k6 ${escapeHtml(config.suite)} ${escapeHtml(startedAt)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
tr.ok td:last-child { color: #176f2c; } tr.broken td { background: #fde2e1; font-weight: bold; }
.verdict { font-size: 1.3em; color: ${held ? '#176f2c' : '#b3261e'}; }
</style></head><body>
<h1>k6 suite <code>${escapeHtml(config.suite)}</code></h1>
<p>Ended ${escapeHtml(startedAt)}; ingest ${escapeHtml(config.ingestUrl)}, audit ${escapeHtml(config.auditUrl)};
${config.batchSize} claims per request. <code>claim_e2e_latency</code> is a sampled claim's POST until its decision is
visible in the audit lineage.</p>
<p class="verdict">${held ? 'All thresholds held' : 'Thresholds broken: the run failed'}</p>
<h2>Thresholds</h2>
<table><tr><th>metric</th><th>rule</th><th>result</th></tr>
${thresholdRows}
</table>
<h2>Metrics</h2>
<table><tr><th>metric</th><th>type</th><th>values</th></tr>
${metricRows}
</table>
</body></html>
`;
}

/** k6's end-of-test hook: <suite>-<timestamp>.json and .html in RESULTS_DIR, and a short text on stdout. */
export function handleSummary(data) {
  const now = new Date().toISOString();
  const base = `${config.resultsDir}/${config.suite}-${now.replace(/[:.]/g, '-')}`;
  const files = [`${base}.json`, `${base}.html`];
  return {
    [files[0]]: JSON.stringify(data, null, 2),
    [files[1]]: htmlReport(data, now),
    stdout: textReport(data, files),
  };
}
