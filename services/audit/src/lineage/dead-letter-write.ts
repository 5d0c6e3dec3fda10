import { DLQ_SUFFIX } from '@claims-mesh/contracts';
import { DLQ_HEADERS, InboundRecord } from '@claims-mesh/kafka';
import { claimPartOf, LineageWrite, STAGE_FIELD_PREFIX } from './lineage-write';
import { StageEntry } from './stages';

/** What could be read from a dead letter's original bytes (often nothing: that may be why it failed). */
export interface DeadLetterContents {
  claimId?: string;
  eventId?: string;
  schemaId?: number;
  claim?: Parameters<typeof claimPartOf>[0];
}

/** The topic whose record a dead letter holds: its header, or the DLQ's name without the suffix. */
export function sourceTopicOf(record: InboundRecord<unknown>): string {
  return record.headers[DLQ_HEADERS.sourceTopic] ?? twinOf(record.topic);
}

/** `claims.scored.v1` for `claims.scored.v1.dlq`: the topic whose schema the dead letter's bytes were written with. */
export function twinOf(dlqTopic: string): string {
  return dlqTopic.endsWith(DLQ_SUFFIX) ? dlqTopic.slice(0, -DLQ_SUFFIX.length) : dlqTopic;
}

/**
 * The lineage step of a dead letter: which service gave up on which record and why. Its
 * field is the failed record's position and the service, so the same failure delivered
 * again (or dead-lettered again after a crash) is one step. Undefined when the dead letter
 * names no claim (no key and nothing readable in the value).
 */
export function deadLetterWriteOf(
  record: InboundRecord<Buffer | null>,
  contents: DeadLetterContents,
): LineageWrite | undefined {
  const claimId = record.key ?? contents.claimId;
  if (!claimId) return undefined;
  const header = (name: string) => record.headers[name] ?? null;
  const sourceTopic = sourceTopicOf(record);
  const failedAt = Date.parse(header(DLQ_HEADERS.failedAt) ?? '');
  const stage: StageEntry = {
    stage: 'dead-lettered',
    at: Number.isNaN(failedAt) ? record.timestamp : failedAt,
    eventId: contents.eventId ?? null,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    schemaId: contents.schemaId ?? null,
    sourceTopic,
    sourcePartition:
      header(DLQ_HEADERS.sourcePartition) === null ? null : Number(header(DLQ_HEADERS.sourcePartition)),
    sourceOffset: header(DLQ_HEADERS.sourceOffset),
    service: header(DLQ_HEADERS.service),
    errorClass: header(DLQ_HEADERS.errorClass),
    errorMessage: header(DLQ_HEADERS.errorMessage),
  };
  const position =
    stage.sourceOffset === null
      ? `${record.topic}:${record.partition}:${record.offset}`
      : `${sourceTopic}:${stage.sourcePartition}:${stage.sourceOffset}:${stage.service}`;
  return {
    claimId,
    stageField: `${STAGE_FIELD_PREFIX}dead-lettered:${position}`,
    stage,
    ...claimPartOf(contents.claim),
  };
}
