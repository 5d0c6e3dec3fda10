import { AvroSerde, ClaimDecided, meshTopics } from '@claims-mesh/contracts';
import Redis from 'ioredis';
import { DECIDED_STAGES } from '@claims-mesh/testing';
import { scanTopics } from './topic-scan';

const DECIDED = 'claims.decided.v1';

export interface ChaosCounts {
  /** Claims ingest accepted (202). */
  sent: number;
  /** Sent claims with at least one decision on claims.decided.v1 (read_committed). */
  decided: number;
  /** Decision records beyond the first of a claim: identicalReplays + conflicting. */
  duplicates: number;
  /** Extra records equal to the claim's first decision (same eventId and actionId): a replay that was committed twice. */
  identicalReplays: number;
  /** Extra records with another actionId: a second, different decision. */
  conflicting: number;
  /** Sent claims without a decision. */
  missing: number;
  /** Dead letters (all .dlq topics) keyed by a sent claim: every claim sent is good, so each one is a fault. */
  dlq: number;
  /** Every record in the .dlq topics, whatever its key. */
  dlqRecords: number;
  /** Sent claims whose audit lineage lacks one of the submitted/enriched/scored/decided stages. */
  lineageMissing: number;
  /** Sent claims whose lineage holds a stage twice (two events) or a dead-lettered step. */
  lineageDuplicates: number;
}

/** The consumer-visible decisions of every claim: each committed record on claims.decided.v1. */
export async function readDecisions(brokers: string, serde: AvroSerde): Promise<Map<string, ClaimDecided[]>> {
  const raw: Buffer[] = [];
  await scanTopics(brokers, [DECIDED], (message) => {
    if (message.value) raw.push(message.value);
  });
  const byClaim = new Map<string, ClaimDecided[]>();
  for (const value of raw) {
    const decision = await serde.decode<ClaimDecided>(DECIDED, value);
    byClaim.set(decision.claimId, [...(byClaim.get(decision.claimId) ?? []), decision]);
  }
  return byClaim;
}

/** Keys (claim ids) of every dead letter in the mesh's .dlq topics. */
export async function readDeadLetterKeys(brokers: string): Promise<string[]> {
  const keys: string[] = [];
  const dlqs = meshTopics()
    .filter((t) => t.isDeadLetter)
    .map((t) => t.name);
  await scanTopics(brokers, dlqs, (message) => keys.push(message.key?.toString() ?? ''), 3000);
  return keys;
}

export interface LineageCheck {
  missing: string[];
  duplicated: string[];
}

/** Reads the stage fields of each claim's lineage hash in the audit's Redis index (audit:lineage:CLAIM). */
export async function checkLineage(redis: Redis, claimIds: string[]): Promise<LineageCheck> {
  const result: LineageCheck = { missing: [], duplicated: [] };
  for (let i = 0; i < claimIds.length; i += 1000) {
    const chunk = claimIds.slice(i, i + 1000);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.hkeys(`audit:lineage:${id}`);
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, fields], j) => {
      if (error) throw error;
      const perStage = new Map<string, number>();
      for (const field of fields as string[]) {
        const stage = /^stage:([a-z-]+):/.exec(field)?.[1];
        if (stage) perStage.set(stage, (perStage.get(stage) ?? 0) + 1);
      }
      // A claim of a run without reviews passes through each decided stage exactly once.
      if (DECIDED_STAGES.some((s) => !perStage.has(s))) result.missing.push(chunk[j]);
      else if (DECIDED_STAGES.some((s) => perStage.get(s) !== 1) || perStage.has('dead-lettered')) result.duplicated.push(chunk[j]);
    });
  }
  return result;
}

export function countOutcome(
  sent: string[],
  decisions: Map<string, ClaimDecided[]>,
  deadLetterKeys: string[],
  lineage: LineageCheck,
): ChaosCounts {
  let decided = 0;
  let identicalReplays = 0;
  let conflicting = 0;
  for (const claimId of sent) {
    const records = decisions.get(claimId) ?? [];
    if (records.length > 0) decided++;
    for (const extra of records.slice(1)) {
      if (extra.actionId === records[0].actionId && extra.eventId === records[0].eventId) identicalReplays++;
      else conflicting++;
    }
  }
  const sentSet = new Set(sent);
  return {
    sent: sent.length,
    decided,
    duplicates: identicalReplays + conflicting,
    identicalReplays,
    conflicting,
    missing: sent.length - decided,
    dlq: deadLetterKeys.filter((key) => sentSet.has(key)).length,
    dlqRecords: deadLetterKeys.length,
    lineageMissing: lineage.missing.length,
    lineageDuplicates: lineage.duplicated.length,
  };
}

/** Why the run failed, one line per kind of loss or duplicate; empty when exactly-once held. */
export function problemsOf(counts: ChaosCounts): string[] {
  const problems: string[] = [];
  if (counts.missing) problems.push(`${counts.missing} claims have no decision`);
  if (counts.identicalReplays) problems.push(`${counts.identicalReplays} decisions were committed twice (identical records)`);
  if (counts.conflicting) problems.push(`${counts.conflicting} claims got a second, different decision`);
  if (counts.dlq) problems.push(`${counts.dlq} good claims were dead-lettered`);
  if (counts.lineageMissing) problems.push(`${counts.lineageMissing} claims lack a complete lineage in audit`);
  if (counts.lineageDuplicates) problems.push(`${counts.lineageDuplicates} claims have a stage twice in their lineage`);
  return problems;
}
