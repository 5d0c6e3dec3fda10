import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimDecided, ClaimSubmitted } from '@claims-mesh/contracts';
import type { Kafka } from '@claims-mesh/kafka';
import { CHROMIUM, CHROMIUM_ARGS, DECIDED_STAGES, decidedLineage, freshClaimRequest, Lineage, Mesh, postClaim, sampleClaim, stack, testKafka, testProducer, TopicTail, waitFor } from '@claims-mesh/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, Page } from 'playwright-core';

// The whole mesh as real processes against the real stack (Kafka, registry, Redis, Triton,
// Jaeger): what a claim's journey looks like from the outside.

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; spanID: string; traceID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const DECIDED = 'claims.decided.v1';

/** Presses Tab until `selector` has the focus: the reviewer page is worked by keyboard alone. */
async function keyboardTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('the mesh end to end (all six services, real stack)', () => {
  let mesh: Mesh;
  let kafka: Kafka;
  let decided: TopicTail;
  const serde = AvroSerde.forRegistry(stack.registryUrl);

  beforeAll(async () => {
    kafka = testKafka();
    // From the topic's end: benchmarks leave millions of earlier decisions on the shared topic.
    decided = await TopicTail.start(kafka, [DECIDED]);
    mesh = await Mesh.start(13900);
  });

  afterAll(async () => {
    await mesh?.stop();
    await decided?.stop();
  });

  async function lineageOf(claimId: string): Promise<Lineage | undefined> {
    const res = await fetch(mesh.service('audit').url(`/v1/lineage/${claimId}`), { headers: { 'x-api-key': 'dev-auditor-key' } });
    return res.status === 200 ? ((await res.json()) as Lineage) : undefined;
  }

  async function decisionsOf(claimId: string): Promise<ClaimDecided[]> {
    const mine = decided.byKey(DECIDED).get(claimId) ?? [];
    return Promise.all(mine.map((m) => serde.decode<ClaimDecided>(DECIDED, m.value)));
  }

  it('gives a claim posted to ingest a complete lineage within seconds', async () => {
    const claimId = await postClaim(mesh.service('ingest').url(''), freshClaimRequest());
    const lineage = await decidedLineage(mesh.service('audit').url(''), claimId);
    expect(lineage.stages.map((s) => s.stage).slice(0, DECIDED_STAGES.length)).toEqual(DECIDED_STAGES);
    expect(lineage.provenance).toEqual(
      expect.objectContaining({
        featureSetVersion: expect.any(String),
        model: expect.objectContaining({ name: expect.stringMatching(/^fraud_/) }),
        shard: expect.any(String),
        ruleSetVersion: expect.any(String),
        actionId: expect.any(String),
      }),
    );
  });

  it('makes one decision and one lineage of a claim that arrives twice', async () => {
    const claim: ClaimSubmitted = sampleClaim({ customerId: `cust-${randomUUID().slice(0, 8)}` });
    const producer = testProducer(kafka);
    await producer.connect();
    const value = await serde.encode('claims.submitted.v1', claim);
    // An upstream system that retried: the very same event twice on the topic.
    await producer.send({ topic: 'claims.submitted.v1', messages: [{ key: claim.claimId, value }, { key: claim.claimId, value }] });
    await producer.disconnect();

    const lineage = await decidedLineage(mesh.service('audit').url(''), claim.claimId);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // room for a duplicate to show up
    const again = (await lineageOf(claim.claimId)) as Lineage;
    for (const stage of DECIDED_STAGES) {
      expect(again.stages.filter((s) => s.stage === stage)).toHaveLength(1);
    }
    expect(again.stages).toHaveLength(lineage.stages.length);
    const decisions = await decisionsOf(claim.claimId);
    expect(new Set(decisions.map((d) => d.actionId)).size).toBe(1);
  });

  it("puts a reviewer's verdict, given on the reviewer page in Chromium, into the claim's lineage", async () => {
    expect(existsSync(CHROMIUM)).toBe(true); // `make test` installs Debian's chromium
    // A serial number claimed before: the rule set sends the second claim to review.
    const serialNumber = `SN-${randomUUID().slice(0, 8)}`;
    const earlier = await postClaim(mesh.service('ingest').url(''), freshClaimRequest({ serialNumber }));
    await waitFor('the earlier claim decided', async () => ((await decisionsOf(earlier)).length ? true : undefined), 60_000);
    const claimId = await postClaim(mesh.service('ingest').url(''), freshClaimRequest({ serialNumber }));
    const [firstDecision] = await waitFor('the decision', async () => {
      const decisions = await decisionsOf(claimId);
      return decisions.length ? decisions : undefined;
    }, 60_000);
    expect([firstDecision.action, firstDecision.reasonCodes]).toEqual(['REVIEW', expect.arrayContaining(['SERIAL_SEEN_BEFORE'])]);
    const reviewDecision = firstDecision;
    const profile = mkdtempSync(join(tmpdir(), 'mesh-reviewer-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      await page.goto(mesh.service('human-task').url('/'));
      await keyboardTo(page, '#api-key');
      await page.keyboard.type('dev-reviewer-key');
      await page.keyboard.press('Enter');
      const task = `.open-task[data-task-id="${reviewDecision.actionId}"]`;
      await page.locator(task).waitFor({ timeout: 30_000 });
      await keyboardTo(page, task);
      await page.keyboard.press('Enter');
      await keyboardTo(page, '#claim');
      await page.keyboard.press('Enter');
      await page.locator('#review-form').waitFor();
      await keyboardTo(page, '#note');
      await page.keyboard.type('Invoice checked with the retailer.');
      await keyboardTo(page, '#reject');
      await page.keyboard.press('Space');
      await page.locator('#notice', { hasText: 'Rejected claim' }).waitFor();
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }

    const lineage = await waitFor('the reviewed lineage', async () => {
      const found = await lineageOf(claimId);
      return found?.finalDecision && found.stages.some((s) => s.stage === 'reviewed') ? found : undefined;
    });
    expect(lineage.provenance.reviewerOutcome).toBe('REJECT');
    expect(lineage.finalDecision?.action).toBe('REJECT');
    const final = (await decisionsOf(claimId)).find((d) => d.final);
    expect(final).toEqual(expect.objectContaining({ action: 'REJECT', reviewerOverrode: expect.any(Boolean) }));
  });

  it("shows one claim's whole journey as one Jaeger trace", async () => {
    const claimId = await postClaim(mesh.service('ingest').url(''), freshClaimRequest());
    await decidedLineage(mesh.service('audit').url(''), claimId);
    const tags = encodeURIComponent(JSON.stringify({ 'claim.id': claimId }));
    const trace = await waitFor(
      'the trace in Jaeger with every service',
      async () => {
        const res = await fetch(`${stack.jaegerQueryUrl}/api/traces?service=decision&tags=${tags}&limit=5`);
        const { data } = (await res.json()) as { data: JaegerTrace[] };
        const found = data[0];
        if (!found) return undefined;
        const full = (await (await fetch(`${stack.jaegerQueryUrl}/api/traces/${found.traceID}`)).json()) as { data: JaegerTrace[] };
        const services = new Set(Object.values(full.data[0].processes).map((p) => p.serviceName));
        return ['ingest', 'feature', 'inference-gateway', 'decision', 'audit'].every((s) => services.has(s)) ? full.data[0] : undefined;
      },
      60_000,
      1000,
    );
    const serviceOf = (span: JaegerSpan) => trace.processes[span.processID].serviceName;
    const ids = new Set(trace.spans.map((s) => s.spanID));
    // Every span but the root hangs off another span of the same trace (parent or link).
    const roots = trace.spans.filter((s) => !s.references.some((r) => ids.has(r.spanID)));
    expect(roots.map(serviceOf)).toEqual(['ingest']);
    const claimSpans = trace.spans.filter((s) => s.tags.some((t) => t.key === 'claim.id' && t.value === claimId));
    // human-task sees every decision too (and takes the REVIEW ones).
    expect([...new Set(claimSpans.map(serviceOf))]).toEqual(
      expect.arrayContaining(['ingest', 'feature', 'inference-gateway', 'decision', 'audit']),
    );

    // One Triton batch serves many claims: the claim's gateway span links to the batch span
    // (another trace), which holds the Triton gRPC call and links back to the claim.
    const gatewaySpan = claimSpans.find((s) => serviceOf(s) === 'inference-gateway') as JaegerSpan;
    const toBatch = gatewaySpan.references.find((r) => r.traceID !== trace.traceID);
    expect(toBatch).toBeDefined();
    const batchTrace = await waitFor('the batch trace', async () => {
      const res = await fetch(`${stack.jaegerQueryUrl}/api/traces/${toBatch?.traceID}`);
      if (res.status !== 200) return undefined;
      const { data } = (await res.json()) as { data: JaegerTrace[] };
      return data[0]?.spans.some((s) => /ModelInfer/.test(s.operationName)) ? data[0] : undefined;
    });
    const batchSpan = batchTrace.spans.find((s) => s.spanID === toBatch?.spanID) as JaegerSpan;
    expect(batchSpan.references).toContainEqual(expect.objectContaining({ traceID: trace.traceID, spanID: gatewaySpan.spanID }));
  });
});
