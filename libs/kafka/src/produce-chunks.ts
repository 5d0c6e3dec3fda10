import type { Message, TopicMessages } from 'kafkajs';

/**
 * Kafka refuses a record batch above the topic's max.message.bytes (1 MB by default), and
 * a hop keyed by claimId sends everything it read from partition p to partition p of the
 * next topic, so one input batch can become one oversized output batch. Produce requests
 * are therefore cut to at most `maxBytes` of records each (a rough size: key, value, headers).
 */
export const MAX_PRODUCE_BYTES = 512 * 1024;

export function chunkBySize(topicMessages: TopicMessages[], maxBytes = MAX_PRODUCE_BYTES): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let size = 0;
  const flush = () => {
    if (current.size === 0) return;
    chunks.push([...current.entries()].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    size = 0;
  };
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const bytes = sizeOf(message);
      if (size > 0 && size + bytes > maxBytes) flush();
      const list = current.get(topic) ?? [];
      list.push(message);
      current.set(topic, list);
      size += bytes;
    }
  }
  flush();
  return chunks;
}

function sizeOf(message: Message): number {
  let bytes = 64 + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + byteLength(value as Buffer | string);
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined | (Buffer | string)[]): number {
  if (value === null || value === undefined) return 0;
  if (Array.isArray(value)) return value.reduce((sum, v) => sum + byteLength(v), 0);
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
