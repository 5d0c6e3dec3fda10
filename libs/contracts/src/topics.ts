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
  /** How long the broker keeps a record (retention.ms; -1 for ever, as a compacted topic keeps each key's latest). */
  retentionMs: number;
  /** Why the topic keeps its records that long, in one line (the README's data protection table). */
  retentionReason: string;
  /** `compact` keeps the latest record per key (control topics); `delete` drops records older than the retention. */
  cleanupPolicy: CleanupPolicy;
  /** Topic-level configs as the broker is given them: retention.ms, cleanup.policy, min.insync.replicas when set. */
  configs: Record<string, string>;
  /** A `<topic>.dlq` twin: holds the original bytes of records its topic could not process. */
  isDeadLetter: boolean;
  /** The value field the record key is: claimId on every event topic, declared per control topic. */
  keyField: string;
  /**
   * Where upstream systems write claims with their personal data in plaintext: ingest alone reads
   * it and re-publishes each valid claim on claims.submitted.v1 (sealed), so it is no step of a
   * claim's lineage and audit does not index it. Its dead-letter twin is one too.
   */
  entrance: boolean;
}

export type CleanupPolicy = 'delete' | 'compact';

interface TopicsFile {
  defaults: { partitions: number; replicationFactor: number; dlqRetentionMs: number; dlqRetentionReason: string };
  topics: {
    name: string;
    kind?: TopicKind;
    valueSchema?: string;
    valueFormat?: 'avro' | 'json';
    entrance?: boolean;
    keyField?: string;
    partitions?: number;
    /** Required on every topic, with retentionReason: no topic falls back to the broker's default retention. */
    retentionMs: number;
    retentionReason: string;
    /** `delete` unless stated; a control topic must state `compact`. */
    cleanupPolicy?: CleanupPolicy;
    /** The dead-letter twin's own retention and reason, when the defaults' do not fit (both or neither). */
    dlqRetentionMs?: number;
    dlqRetentionReason?: string;
  }[];
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
  checkRetention(file, 'defaults (dead-letter twins)', parsed.defaults.dlqRetentionMs, parsed.defaults.dlqRetentionReason);
  const replicationFactor = Number(env.KAFKA_REPLICATION_FACTOR ?? parsed.defaults.replicationFactor);
  const minInSync: Record<string, string> = env.KAFKA_MIN_INSYNC_REPLICAS
    ? { 'min.insync.replicas': env.KAFKA_MIN_INSYNC_REPLICAS }
    : {};
  return parsed.topics.flatMap((topic): TopicSpec[] => {
    const partitions = topic.partitions ?? parsed.defaults.partitions;
    const valueFormat = topic.valueFormat ?? 'avro';
    const kind = topic.kind ?? 'event';
    checkRetention(file, topic.name, topic.retentionMs, topic.retentionReason);
    const cleanupPolicy = topic.cleanupPolicy ?? 'delete';
    if (kind === 'control' && cleanupPolicy !== 'compact') {
      throw new Error(`${file}: ${topic.name} is a control topic, read whole as a table: state "cleanupPolicy": "compact" and say why in its retentionReason`);
    }
    const main: TopicSpec = {
      name: topic.name,
      kind,
      valueSchema: topic.valueSchema,
      valueFormat,
      partitions,
      replicationFactor,
      retentionMs: topic.retentionMs,
      retentionReason: topic.retentionReason,
      cleanupPolicy,
      configs: { 'retention.ms': String(topic.retentionMs), 'cleanup.policy': cleanupPolicy, ...minInSync },
      isDeadLetter: false,
      keyField: topic.keyField ?? 'claimId',
      entrance: topic.entrance ?? false,
    };
    if (kind === 'control') return [main];
    const ownDlqRetention = topic.dlqRetentionMs !== undefined || topic.dlqRetentionReason !== undefined;
    if (ownDlqRetention) checkRetention(file, dlqTopicOf(topic.name), topic.dlqRetentionMs, topic.dlqRetentionReason);
    const dlqRetentionMs = ownDlqRetention ? (topic.dlqRetentionMs as number) : parsed.defaults.dlqRetentionMs;
    const dlq: TopicSpec = {
      ...main,
      name: dlqTopicOf(topic.name),
      retentionMs: dlqRetentionMs,
      retentionReason: ownDlqRetention ? (topic.dlqRetentionReason as string) : parsed.defaults.dlqRetentionReason,
      cleanupPolicy: 'delete',
      configs: { 'retention.ms': String(dlqRetentionMs), 'cleanup.policy': 'delete', ...minInSync },
      isDeadLetter: true,
    };
    return [main, dlq];
  });
}

/** A retention the broker takes (whole milliseconds, -1 for ever) and a reason for it. */
function checkRetention(file: string, what: string, retentionMs: unknown, reason: unknown): void {
  if (!Number.isInteger(retentionMs) || ((retentionMs as number) < 1 && retentionMs !== -1)) {
    throw new Error(`${file}: ${what} needs a retention in milliseconds (a positive integer, or -1 for ever), not ${JSON.stringify(retentionMs)}`);
  }
  if (typeof reason !== 'string' || reason.trim() === '') throw new Error(`${file}: ${what} needs a reason for its retention`);
}
