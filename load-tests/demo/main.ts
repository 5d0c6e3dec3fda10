// `make demo`, the last step: sends synthetic claims through the running mesh and prints
// what a newcomer wants to see: how many claims got which action, the end-to-end latency
// from submission to decision, one REVIEW claim's lineage, and where to look next.
import { AvroSerde, ClaimDecided } from '@claims-mesh/contracts';
import { stack, testKafka } from '@claims-mesh/testing';
import { showModelLifecycle } from './model-lifecycle';
import { syntheticClaims } from './synthetic-claims';

const CLAIMS = Number(process.env.DEMO_CLAIMS ?? 10_000);
const BATCH = 500;
const INGEST = process.env.INGEST_URL ?? 'http://127.0.0.1:3001';
const AUDIT = process.env.AUDIT_URL ?? 'http://127.0.0.1:3006';
const REVIEWER_PAGE = process.env.HUMAN_TASK_URL ?? 'http://127.0.0.1:3005';
const DECIDED = 'claims.decided.v1';
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 180_000);

async function postBatches(claims: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < claims.length; i += BATCH) {
    for (;;) {
      const res = await fetch(`${INGEST}/v1/claims/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'dev-ingest-key' },
        body: JSON.stringify({ claims: claims.slice(i, i + BATCH) }),
      });
      if (res.status === 429) {
        await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { claims: { claimId: string }[] };
      ids.push(...body.claims.map((c) => c.claimId));
      break;
    }
  }
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const kafka = testKafka('demo');
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  const firstDecision = new Map<string, ClaimDecided>();
  const finalDecision = new Map<string, ClaimDecided>();
  // KafkaJS-style consumer of @confluentinc/kafka-javascript: a new group that starts at the topic's end.
  const consumer = kafka.consumer({ kafkaJS: { groupId: `demo-${Date.now()}`, fromBeginning: false } });
  await consumer.connect();
  await consumer.subscribe({ topics: [DECIDED] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const decision = await serde.decode<ClaimDecided>(DECIDED, message.value);
      if (!firstDecision.has(decision.claimId)) firstDecision.set(decision.claimId, decision);
      if (decision.final) finalDecision.set(decision.claimId, decision);
    },
  });
  // Claims sent before the group has its partitions would be missed: wait for the assignment.
  while (consumer.assignment().length === 0) await new Promise((resolve) => setTimeout(resolve, 100));

  console.log(`[demo] sending ${CLAIMS} synthetic claims to ${INGEST}/v1/claims/batch ...`);
  const started = Date.now();
  const ids = await postBatches(syntheticClaims(CLAIMS));
  console.log(`[demo] ${ids.length} claims accepted in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for decisions ...`);
  const deadline = Date.now() + TIMEOUT_MS;
  const mine = new Set(ids);
  const decidedCount = () => ids.filter((id) => firstDecision.has(id)).length;
  while (decidedCount() < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  const elapsed = (Date.now() - started) / 1000;
  await consumer.disconnect();

  const decisions = [...firstDecision.values()].filter((d) => mine.has(d.claimId));
  const byAction = new Map<string, number>();
  for (const d of decisions) byAction.set(d.action, (byAction.get(d.action) ?? 0) + 1);
  const latencies = decisions.map((d) => (d.timestamps.decidedAt ?? 0) - d.timestamps.submittedAt).sort((a, b) => a - b);

  console.log(`\n[demo] ${decisions.length} of ${ids.length} claims decided in ${elapsed.toFixed(1)} s (${(decisions.length / elapsed).toFixed(0)} claims/s)`);
  console.log('[demo] decisions per action:');
  for (const [action, count] of [...byAction.entries()].sort()) console.log(`         ${action.padEnd(13)} ${count}`);
  if (latencies.length) {
    console.log(
      `[demo] end-to-end latency, submission to decision: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms`,
    );
  }

  const review = decisions.find((d) => d.action === 'REVIEW') ?? decisions[0];
  if (review) {
    const lineage = await fetch(`${AUDIT}/v1/lineage/${review.claimId}`, { headers: { 'x-api-key': 'dev-auditor-key' } });
    console.log(`\n[demo] lineage of ${review.action} claim ${review.claimId} (GET ${AUDIT}/v1/lineage/${review.claimId}):`);
    console.log(lineage.ok ? JSON.stringify(await lineage.json(), null, 2) : `  audit answered ${lineage.status}`);
    const tags = encodeURIComponent(JSON.stringify({ 'claim.id': review.claimId }));
    console.log(`\n[demo] its trace in Jaeger: ${stack.jaegerQueryUrl}/?claim=${encodeURIComponent(review.claimId)}`);
    console.log(`        (query API: ${stack.jaegerQueryUrl}/api/traces?service=ingest&tags=${tags})`);
  }
  console.log(`[demo] reviewer page: ${REVIEWER_PAGE}/  (API key dev-reviewer-key); ${finalDecision.size} final decisions so far`);
  await showModelLifecycle();
  console.log('[demo] the stack and services keep running: `make down` stops them.');
  if (decisions.length < ids.length) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(`[demo] failed: ${error.message}`);
  process.exit(1);
});
