import { Inject, Injectable } from '@nestjs/common';
import { ActionSymbols } from '@claims-mesh/contracts';
import { execTracedPipeline, PipelineReplies, REDIS } from '@claims-mesh/platform';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { LineageKeys, subjectOf } from './lineage-keys';
import { LineageWrite } from './lineage-write';
import { RECORD_STAGE_LUA } from './record-stage.lua';

const SCRIPT_SHA = createHash('sha1').update(RECORD_STAGE_LUA).digest('hex');

/** What a write changed: a replayed record changes nothing. */
export interface WriteOutcome {
  stageRecorded: boolean;
  /** The claim's first final decision: its end-to-end latency is observed exactly once. */
  firstFinalDecision: boolean;
}

/**
 * Writes lineage steps to the Redis index: a whole batch in one pipeline (one round trip),
 * each record one atomic script run.
 */
@Injectable()
export class LineageWriter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
  ) {}

  /** Outcome of each write, in order. Throws when Redis fails (the batch is retried: every write is idempotent). */
  async write(writes: readonly LineageWrite[]): Promise<WriteOutcome[]> {
    if (writes.length === 0) return [];
    let run = await this.run(writes);
    if (run.replies.some(([error]) => error?.message.startsWith('NOSCRIPT'))) {
      // Redis restarted or its script cache was flushed: load the script and run the batch again.
      await this.redis.script('LOAD', RECORD_STAGE_LUA);
      run = await this.run(writes);
    }
    const failed = run.replies.find(([error]) => error);
    if (failed) throw new Error(`lineage index: ${failed[0]?.message}`);
    return run.scriptReplies.map((position) => {
      const [stageRecorded, firstFinal] = run.replies[position][1] as [number, number];
      return { stageRecorded: stageRecorded === 1, firstFinalDecision: firstFinal === 1 };
    });
  }

  private async run(
    writes: readonly LineageWrite[],
  ): Promise<{ replies: PipelineReplies; scriptReplies: number[] }> {
    const scriptReplies: number[] = [];
    const replies = await execTracedPipeline(this.redis.pipeline(), 'EVALSHA', (pipeline) => {
      for (const write of writes) {
        const subject = write.customerId === undefined ? '' : subjectOf(write.customerId);
        // Indexed before the script runs: an erasure that starts after the script sees the claim in this set.
        if (subject) pipeline.sadd(this.keys.subjectClaims(subject), write.claimId);
        scriptReplies.push(pipeline.length);
        pipeline.evalsha(SCRIPT_SHA, 4 + ActionSymbols.length, ...this.keysOf(write), ...argsOf(write, subject));
      }
    });
    return { replies, scriptReplies };
  }

  private keysOf(write: LineageWrite): string[] {
    return [
      this.keys.lineage(write.claimId),
      this.keys.pii(write.claimId),
      this.keys.erasedSubjects(),
      this.keys.decided(),
      ...this.keys.decidedByAction(),
    ];
  }
}

function argsOf(write: LineageWrite, subject: string): (string | number)[] {
  const { final } = write;
  return [
    write.claimId,
    subject,
    write.stageField,
    JSON.stringify(write.stage),
    jsonOrEmpty(write.stagePii),
    jsonOrEmpty(write.claim?.masked),
    jsonOrEmpty(write.claim?.pii),
    jsonOrEmpty(final),
    final ? ActionSymbols.indexOf(final.action) + 1 : '',
    final?.decidedAt ?? '',
    final?.actionId ?? '',
  ];
}

function jsonOrEmpty(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}
