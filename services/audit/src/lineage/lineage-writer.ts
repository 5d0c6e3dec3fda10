import { Inject, Injectable } from '@nestjs/common';
import { ActionSymbols } from '@claims-mesh/contracts';
import { execTracedPipeline, PersonalData, PipelineReplies, REDIS } from '@claims-mesh/platform';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { AuditConfig } from '../config';
import { LineageKeys } from './lineage-keys';
import { LineageWrite } from './lineage-write';
import { RECORD_STAGES_LUA } from './record-stages.lua';

const SCRIPT_SHA = createHash('sha1').update(RECORD_STAGES_LUA).digest('hex');
/** Records per script run: a run blocks Redis, so a large poll is cut into runs of a few milliseconds each. */
const RECORDS_PER_RUN = 256;

/** What a write changed: a replayed record changes nothing. */
export interface WriteOutcome {
  stageRecorded: boolean;
  /** The claim's first final decision: its end-to-end latency is observed exactly once. */
  firstFinalDecision: boolean;
}

/**
 * Writes lineage steps to the Redis index: a whole batch in one pipeline (one round trip) of
 * script runs, each adding up to RECORDS_PER_RUN records atomically.
 */
@Injectable()
export class LineageWriter {
  private readonly retentionSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: LineageKeys,
    private readonly personalData: PersonalData,
    config: AuditConfig,
  ) {
    this.retentionSeconds = config.AUDIT_RETENTION_DAYS * 86_400;
  }

  /** Outcome of each write, in order. Throws when Redis fails (the batch is retried: every write is idempotent). */
  async write(writes: readonly LineageWrite[]): Promise<WriteOutcome[]> {
    if (writes.length === 0) return [];
    let replies = await this.run(writes);
    if (replies.some(([error]) => error?.message.startsWith('NOSCRIPT'))) {
      // Redis restarted or its script cache was flushed: load the script and run the batch again.
      await this.redis.script('LOAD', RECORD_STAGES_LUA);
      replies = await this.run(writes);
    }
    const failed = replies.find(([error]) => error);
    if (failed) throw new Error(`lineage index: ${failed[0]?.message}`);
    return replies.flatMap(([, reply]) => {
      const flags = reply as number[];
      const outcomes: WriteOutcome[] = [];
      for (let i = 0; i < flags.length; i += 2) outcomes.push({ stageRecorded: flags[i] === 1, firstFinalDecision: flags[i + 1] === 1 });
      return outcomes;
    });
  }

  private run(writes: readonly LineageWrite[]): Promise<PipelineReplies> {
    return execTracedPipeline(this.redis.pipeline(), 'EVALSHA', (pipeline) => {
      const shared = [this.keys.erasedSubjects(), this.keys.decided(), ...this.keys.decidedByAction()];
      for (let from = 0; from < writes.length; from += RECORDS_PER_RUN) {
        const run = writes.slice(from, from + RECORDS_PER_RUN);
        const keys = [...shared];
        const args: (string | number)[] = [ActionSymbols.length, this.retentionSeconds];
        for (const write of run) {
          const subject = write.customerId === undefined ? '' : this.personalData.subjectRef(write.customerId);
          // A record without its customer still names a key of audit's own (one never written):
          // Redis's ACL refuses a script given any key outside the user's namespace, '' included.
          keys.push(this.keys.lineage(write.claimId), this.keys.pii(write.claimId), this.keys.subjectClaims(subject));
          args.push(...argsOf(write, subject));
        }
        pipeline.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
      }
    });
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
