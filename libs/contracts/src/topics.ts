import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a topic carries. `event`: a step of one claim, keyed by claimId, with a dead-letter
 * twin, read by the next service and by audit. `control`: a setting of the mesh (e.g. the
 * gateway's model rollout), compacted so the latest record per key is the current value,
 * read whole as a table; no dead-letter twin (its readers skip a bad record and count it).
 */
export type TopicKind = 'event' | 'control';

/** One topic of the mesh as declared in libs/contracts/topics.json, the single list of topics. */
export interface TopicSpec {
  name: string;
  kind: TopicKind;
  /** Avro value schema (schemas/NAME.avsc); absent for JSON topics. */
  valueSchema?: string;
  valueFormat: 'avro' | 'json';
  partitions: number;
  replicationFactor: number;
  /** Extra topic-level configs (e.g. retention for DLQs). */
  configs: Record<string, string>;
  /** A `<topic>.dlq` twin: holds the original bytes of records its topic could not process. */
  isDeadLetter: boolean;
  /** The value field the record key is: claimId on every event topic, declared per control topic. */
  keyField: string;
}

interface TopicsFile {
  defaults: { partitions: number; replicationFactor: number; dlqRetentionMs: number };
  topics: { name: string; kind?: TopicKind; valueSchema?: string; valueFormat?: 'avro' | 'json'; keyField?: string; partitions?: number }[];
}

export const DLQ_SUFFIX = '.dlq';

export function dlqTopicOf(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

const TOPICS_FILE = join(__dirname, '..', 'topics.json');

/**
 * Every topic the mesh needs, each event topic followed by its dead-letter twin. The replication
 * factor can be raised for multi-broker stacks with KAFKA_REPLICATION_FACTOR, and
 * KAFKA_MIN_INSYNC_REPLICAS sets the topics' min.insync.replicas (acks=all then needs that many).
 */
export function meshTopics(file = TOPICS_FILE, env = process.env): TopicSpec[] {
  const cacheKey = `${file}|${env.KAFKA_REPLICATION_FACTOR ?? ''}|${env.KAFKA_MIN_INSYNC_REPLICAS ?? ''}`;
  let topics = cached.get(cacheKey);
  if (!topics) {
    topics = readTopics(file, env);
    cached.set(cacheKey, topics);
  }
  return topics;
}

// Looked up per record by the serde: read the file once.
const cached = new Map<string, TopicSpec[]>();

function readTopics(file: string, env: NodeJS.ProcessEnv): TopicSpec[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as TopicsFile;
  const replicationFactor = Number(env.KAFKA_REPLICATION_FACTOR ?? parsed.defaults.replicationFactor);
  const minInSync: Record<string, string> = env.KAFKA_MIN_INSYNC_REPLICAS
    ? { 'min.insync.replicas': env.KAFKA_MIN_INSYNC_REPLICAS }
    : {};
  return parsed.topics.flatMap((topic): TopicSpec[] => {
    const partitions = topic.partitions ?? parsed.defaults.partitions;
    const valueFormat = topic.valueFormat ?? 'avro';
    const kind = topic.kind ?? 'event';
    const main: TopicSpec = {
      name: topic.name,
      kind,
      valueSchema: topic.valueSchema,
      valueFormat,
      partitions,
      replicationFactor,
      configs: { ...(kind === 'control' ? { 'cleanup.policy': 'compact' } : {}), ...minInSync },
      isDeadLetter: false,
      keyField: topic.keyField ?? 'claimId',
    };
    if (kind === 'control') return [main];
    const dlq: TopicSpec = {
      ...main,
      name: dlqTopicOf(topic.name),
      configs: { 'retention.ms': String(parsed.defaults.dlqRetentionMs), ...minInSync },
      isDeadLetter: true,
    };
    return [main, dlq];
  });
}
