import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, tabTo, waitFor } from '@claims-mesh/testing';
import { chromium, BrowserContext, Page } from 'playwright-core';

// `stack up jaeger` with ports and a data dir of its own (the shared Jaeger is never restarted):
// its query server serves our trace viewer (infra/local/jaeger/ui, ui.assets_path in
// jaeger/config.yaml), which the test drives in headless Chromium over spans sent by OTLP/HTTP.

const run = promisify(execFile);
const STACK = join(__dirname, '..', 'stack');
const PORTS = {
  JAEGER_QUERY_HTTP_PORT: 26686,
  JAEGER_QUERY_GRPC_PORT: 26685,
  JAEGER_OTLP_GRPC_PORT: 26317,
  JAEGER_OTLP_HTTP_PORT: 26318,
};
const UI = `http://127.0.0.1:${PORTS.JAEGER_QUERY_HTTP_PORT}`;
const OTLP = `http://127.0.0.1:${PORTS.JAEGER_OTLP_HTTP_PORT}`;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`Jaeger UI tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
const inChromium = hasChromium ? describe : describe.skip;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const ms = (n: number) => BigInt(Math.round(n * 1_000_000));

interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  durationMs: number;
  attributes?: Record<string, string | number>;
  links?: { traceId: string; spanId: string }[];
}

/** One OTLP/JSON resourceSpans entry: the spans of one service. */
function resourceSpans(service: string, spans: SpanSpec[], t0: bigint) {
  const attribute = (key: string, value: string | number) => ({
    key,
    value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
  });
  return {
    resource: { attributes: [attribute('service.name', service), attribute('service.version', '0.1.0')] },
    scopeSpans: [
      {
        scope: { name: 'it-jaeger-ui' },
        spans: spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: String(t0 + ms(s.startMs)),
          endTimeUnixNano: String(t0 + ms(s.startMs + s.durationMs)),
          attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => attribute(k, v)),
          links: s.links ?? [],
        })),
      },
    ],
  };
}

/** Presses Tab until `selector` has the focus: the page must be reachable by keyboard alone. */
/** The waterfall's rows in document order: [service, operation, depth]. */
async function waterfallRows(page: Page): Promise<[string, string, number][]> {
  return page.$$eval('#waterfall li.span', (items) =>
    items.map((li) => [
      li.getAttribute('data-service') ?? '',
      li.querySelector(':scope > .span-row .operation')?.textContent ?? '',
      Number(li.getAttribute('data-depth')),
    ]),
  );
}

inChromium(
  `trace viewer served by Jaeger (own instance on :${PORTS.JAEGER_QUERY_HTTP_PORT}, ${CHROMIUM})`,
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stack-jaeger-ui-'));
    const stackEnv = {
      ...process.env,
      STACK_DATA: dataDir,
      ...Object.fromEntries(Object.entries(PORTS).map(([k, v]) => [k, String(v)])),
    };
    let context: BrowserContext;
    let profile: string;

    // A claim's trace: ingest's request with two children, one of them the producer whose record
    // inference-gateway consumes; that consumer span links to the Triton batch span of another trace.
    const claimId = randomUUID();
    const claimTrace = hex(16);
    const batchTrace = hex(16);
    const span = { request: hex(8), controller: hex(8), send: hex(8), consume: hex(8), batch: hex(8) };

    beforeAll(async () => {
      await run(STACK, ['up', 'jaeger'], { env: stackEnv, timeout: 120_000 });
      const t0 = BigInt(Date.now() - 5_000) * 1_000_000n;
      const body = {
        resourceSpans: [
          // Sent out of order on purpose: the viewer orders by parent, then start time.
          resourceSpans(
            'ingest',
            [
              {
                traceId: claimTrace,
                spanId: span.send,
                parentSpanId: span.request,
                name: 'send claims.submitted.v1',
                kind: 4,
                startMs: 2,
                durationMs: 1.5,
                attributes: { 'claim.id': claimId },
              },
              {
                traceId: claimTrace,
                spanId: span.request,
                name: 'POST /v1/claims',
                kind: 2,
                startMs: 0,
                durationMs: 20,
              },
              {
                traceId: claimTrace,
                spanId: span.controller,
                parentSpanId: span.request,
                name: 'ClaimsController.submit',
                kind: 1,
                startMs: 0.5,
                durationMs: 1,
              },
            ],
            t0,
          ),
          resourceSpans(
            'inference-gateway',
            [
              {
                traceId: claimTrace,
                spanId: span.consume,
                parentSpanId: span.send,
                name: 'process claims.enriched.v1',
                kind: 5,
                startMs: 6,
                durationMs: 10,
                attributes: { 'claim.id': claimId },
                links: [{ traceId: batchTrace, spanId: span.batch }],
              },
              {
                traceId: batchTrace,
                spanId: span.batch,
                name: 'infer batch fraud-model',
                kind: 3,
                startMs: 8,
                durationMs: 4,
                attributes: { 'batch.size': 2 },
              },
            ],
            t0,
          ),
        ],
      };
      const sent = await fetch(`${OTLP}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(sent.status).toBe(200);
      await waitFor('both traces in Jaeger', async () => {
        const answers = await Promise.all(
          [claimTrace, batchTrace].map((id) => fetch(`${UI}/api/traces/${id}`)),
        );
        const spanCounts = await Promise.all(
          answers.map(async (a) =>
            a.ok ? ((await a.json()) as { data: { spans: unknown[] }[] }).data[0].spans.length : 0,
          ),
        );
        return spanCounts[0] === 4 && spanCounts[1] === 1 ? true : undefined;
      });

      mkdirSync(SCREENSHOTS, { recursive: true });
      profile = mkdtempSync(join(tmpdir(), 'jaeger-ui-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1440, height: 1000 },
      });
    }, 150_000);

    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
      await run(STACK, ['down', 'jaeger'], { env: stackEnv, timeout: 60_000 }).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }, 70_000);

    it("serves the viewer's page for any non-API path and its script and style under /static", async () => {
      for (const path of ['/', '/search?service=ingest', `/trace/${claimTrace}`]) {
        const page = await fetch(`${UI}${path}`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>Traces · claims mesh</title>');
      }
      const script = await fetch(`${UI}/static/viewer.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      const style = await fetch(`${UI}/static/viewer.css`);
      expect(style.headers.get('content-type')).toMatch(/text\/css/);
    });

    it('finds a claim by its claim.id with the keyboard and shows its whole journey in parent order', async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      const response = await page.goto(`${UI}/`);
      expect(response?.status()).toBe(200);
      await page.locator('#service option[value="inference-gateway"]').waitFor({ state: 'attached' });
      expect(await page.$$eval('#service option', (os) => os.map((o) => o.textContent))).toEqual([
        'inference-gateway',
        'ingest',
      ]);
      expect(await page.inputValue('#service')).toBe('ingest');

      await tabTo(page, '#claim');
      await page.keyboard.type(claimId);
      await page.keyboard.press('Enter');
      const row = page.locator(`#results-body tr[data-trace-id="${claimTrace}"]`);
      await row.waitFor();
      expect(await page.locator('#results-body tr').count()).toBe(1);
      const cells = await row.locator('td').allTextContents();
      expect(cells.slice(0, 4)).toEqual([
        claimTrace,
        'ingest: POST /v1/claims',
        'ingest, inference-gateway',
        '4',
      ]);
      expect(cells[4]).toMatch(/^20\.0 ms$/);
      expect(await page.textContent('#status')).toContain('1 trace of claim.id');
      expect(new URL(page.url()).searchParams.get('claim')).toBe(claimId);

      // Opening the listed trace, by keyboard.
      await tabTo(page, `#results-body a[href="?trace=${claimTrace}"]`);
      await page.keyboard.press('Enter');
      await page.locator(`#trace[data-trace-id="${claimTrace}"]`).waitFor();
      await page.waitForURL(`${UI}/?trace=${claimTrace}`);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('trace-title');
      expect(await waterfallRows(page)).toEqual([
        ['ingest', 'POST /v1/claims', 0],
        ['ingest', 'ClaimsController.submit', 1],
        ['ingest', 'send claims.submitted.v1', 1],
        ['inference-gateway', 'process claims.enriched.v1', 2],
      ]);
      // The consumer span is nested in the producer's list item (parent order, not just indentation).
      expect(await page.locator(`#span-${span.send} #span-${span.consume}`).count()).toBe(1);

      // A span's attributes open with the keyboard.
      const toggle = `#span-${span.consume} > .span-row .span-toggle`;
      await tabTo(page, toggle);
      expect(await page.getAttribute(toggle, 'aria-expanded')).toBe('false');
      await page.keyboard.press('Enter');
      expect(await page.getAttribute(toggle, 'aria-expanded')).toBe('true');
      const detail = page.locator(`#detail-${span.consume}`);
      expect(await detail.isVisible()).toBe(true);
      expect(await detail.textContent()).toContain(`claim.id${claimId}`);
      expect(await detail.textContent()).toContain('Resource of inference-gatewayservice.version0.1.0');
      await page.screenshot({ path: join(SCREENSHOTS, 'jaeger-ui-claim-trace.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    it('follows a span link to the linked trace (the batch span), and back', async () => {
      const page = await context.newPage();
      await page.goto(`${UI}/?trace=${claimTrace}`);
      const link = page.locator(`#span-${span.consume} > .span-links a.span-link`);
      expect(await link.textContent()).toBe(
        `follows from span ${span.batch.slice(0, 8)} of trace ${batchTrace.slice(0, 8)}`,
      );
      await link.click();
      await page.locator(`#trace[data-trace-id="${batchTrace}"]`).waitFor();
      expect(page.url()).toBe(`${UI}/?trace=${batchTrace}&span=${span.batch}`);
      expect(await waterfallRows(page)).toEqual([['inference-gateway', 'infer batch fraud-model', 0]]);
      expect(await page.getAttribute(`#span-${span.batch}`, 'class')).toContain('is-target');
      expect(await page.evaluate(() => document.activeElement?.closest('li')?.id)).toBe(`span-${span.batch}`);

      await page.goBack();
      await page.locator(`#trace[data-trace-id="${claimTrace}"]`).waitFor();
      expect((await waterfallRows(page)).length).toBe(4);
      await page.close();
    });

    it("opens the claim's trace straight from a ?claim= address (the link `make demo` prints)", async () => {
      const page = await context.newPage();
      await page.goto(`${UI}/?claim=${claimId}`);
      await page.locator(`#trace[data-trace-id="${claimTrace}"]`).waitFor();
      expect(await page.inputValue('#claim')).toBe(claimId);
      expect(await page.inputValue('#service')).toBe('ingest');
      expect((await waterfallRows(page)).map(([service]) => service)).toEqual([
        'ingest',
        'ingest',
        'ingest',
        'inference-gateway',
      ]);
      await page.close();
    });

    it('says in its live regions when nothing matches or a trace is unknown', async () => {
      const page = await context.newPage();
      await page.goto(`${UI}/?claim=no-such-claim`);
      await page.locator('#alert', { hasText: 'No trace of claim.id "no-such-claim"' }).waitFor();
      expect(await page.getAttribute('#alert', 'aria-live')).toBe('assertive');
      expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
      expect(await page.locator('#results').isHidden()).toBe(true);

      const unknown = hex(16);
      await page.goto(`${UI}/?trace=${unknown}`);
      await page.locator('#alert', { hasText: `Trace ${unknown} is not in Jaeger` }).waitFor();
      expect(await page.locator('#trace').isHidden()).toBe(true);
      await page.close();
    });
  },
);
