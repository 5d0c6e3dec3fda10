import { dlqTopicOf } from '@claims-mesh/contracts';
import type { OutgoingMessage } from './records';

/** Headers a dead letter carries, next to the original record's own headers. */
export const DLQ_HEADERS = {
  errorClass: 'dlq.error.class',
  errorMessage: 'dlq.error.message',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
  service: 'dlq.service',
  failedAt: 'dlq.failed.at',
} as const;

const MAX_MESSAGE_LENGTH = 2000;

/** What a dead letter keeps of the record it replaces. */
export interface ConsumedMessage {
  key?: Buffer | string | null;
  value: Buffer | null;
  offset: string;
  headers?: Record<string, Buffer | string>;
}

/**
 * The dead letter of a record: its original key, value bytes and headers unchanged, plus
 * headers saying what failed, where the record came from, which service gave up and when.
 */
export function deadLetterOf(
  source: { topic: string; partition: number; message: ConsumedMessage },
  error: Error,
  service: string,
  now = new Date(),
): { topic: string; message: OutgoingMessage } {
  const topic = dlqTopicOf(source.topic);
  return {
    topic,
    message: {
      topic,
      key: source.message.key ?? null,
      value: source.message.value,
      headers: {
        ...source.message.headers,
        [DLQ_HEADERS.errorClass]: error.name || error.constructor.name,
        [DLQ_HEADERS.errorMessage]: error.message.slice(0, MAX_MESSAGE_LENGTH),
        [DLQ_HEADERS.sourceTopic]: source.topic,
        [DLQ_HEADERS.sourcePartition]: String(source.partition),
        [DLQ_HEADERS.sourceOffset]: source.message.offset,
        [DLQ_HEADERS.service]: service,
        [DLQ_HEADERS.failedAt]: now.toISOString(),
      },
    },
  };
}
