import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dlqTopicOf, meshTopics } from './topics';

const TOPICS_FILE = join(__dirname, '..', 'topics.json');

/** topics.json with one change, written to a file of its own, for the loader's refusals. */
function topicsFileWith(change: (file: { defaults: Record<string, unknown>; topics: Record<string, unknown>[] }) => void): string {
  const file = JSON.parse(readFileSync(TOPICS_FILE, 'utf8'));
  change(file);
  const path = join(mkdtempSync(join(tmpdir(), 'topics-')), 'topics.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('meshTopics', () => {
  it('keeps one replica and the broker default min.insync.replicas unless told otherwise', () => {
    for (const topic of meshTopics(undefined, {})) {
      expect(topic.replicationFactor).toBe(1);
      expect(topic.configs['min.insync.replicas']).toBeUndefined();
    }
  });

  it('gives every topic and dead-letter twin the replication and min.insync.replicas of a three-broker stack', () => {
    const topics = meshTopics(undefined, { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    for (const topic of topics) {
      expect(topic.replicationFactor).toBe(3);
      expect(topic.configs['min.insync.replicas']).toBe('2');
    }
    expect(topics.find((t) => t.isDeadLetter)?.configs['retention.ms']).toBeDefined();
  });

  it('declares a control topic compacted, without a dead-letter twin, on the partitions topics.json gives it', () => {
    const topics = meshTopics(undefined, { KAFKA_MIN_INSYNC_REPLICAS: '2' });
    const rollout = topics.find((t) => t.name === 'models.rollout.v1');
    expect(rollout).toMatchObject({ kind: 'control', partitions: 1, keyField: 'family', isDeadLetter: false });
    expect(rollout?.configs).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.insync.replicas': '2' });
    expect(topics.map((t) => t.name)).not.toContain('models.rollout.v1.dlq');
  });

  it('gives every event topic a dead-letter twin, keyed by claimId like its topic', () => {
    const events = meshTopics(undefined, {}).filter((t) => t.kind === 'event');
    for (const topic of events.filter((t) => !t.isDeadLetter)) {
      expect(events).toContainEqual(expect.objectContaining({ name: `${topic.name}.dlq`, isDeadLetter: true }));
      expect(topic.keyField).toBe('claimId');
    }
    expect(events.find((t) => t.isDeadLetter)?.configs['cleanup.policy']).toBe('delete');
  });

  it('gives every topic and dead-letter twin a retention and its reason, and hands both to the broker as configs', () => {
    for (const topic of meshTopics(undefined, {})) {
      expect(Number.isInteger(topic.retentionMs) && (topic.retentionMs > 0 || topic.retentionMs === -1)).toBe(true);
      expect(topic.retentionReason.trim()).not.toBe('');
      expect(topic.configs).toMatchObject({ 'retention.ms': String(topic.retentionMs), 'cleanup.policy': topic.cleanupPolicy });
    }
  });

  it('has every control topic state cleanup.policy compact, and why', () => {
    const controls = meshTopics(undefined, {}).filter((t) => t.kind === 'control');
    expect(controls.length).toBeGreaterThan(0);
    for (const topic of controls) {
      expect(topic.cleanupPolicy).toBe('compact');
      expect(topic.retentionReason).toMatch(/compact/i);
    }
    const events = meshTopics(undefined, {}).filter((t) => t.kind === 'event');
    for (const topic of events) expect(topic.cleanupPolicy).toBe('delete');
  });

  it('keeps dead letters for dlqRetentionMs, with the defaults\' reason, unless their topic states its own', () => {
    const defaults = JSON.parse(readFileSync(TOPICS_FILE, 'utf8')).defaults;
    const topics = meshTopics(undefined, {});
    for (const dlq of topics.filter((t) => t.isDeadLetter && !topics.find((main) => dlqTopicOf(main.name) === t.name)?.entrance)) {
      expect(dlq).toMatchObject({ retentionMs: defaults.dlqRetentionMs, retentionReason: defaults.dlqRetentionReason });
    }
  });

  it("keeps an entrance's dead letters (upstream's plaintext, which no erasure shreds) shorter than the others", () => {
    const defaults = JSON.parse(readFileSync(TOPICS_FILE, 'utf8')).defaults;
    const topics = meshTopics(undefined, {});
    const entrances = topics.filter((t) => t.entrance && !t.isDeadLetter);
    expect(entrances.length).toBeGreaterThan(0);
    for (const entrance of entrances) {
      const dlq = topics.find((t) => t.name === dlqTopicOf(entrance.name));
      expect(dlq?.retentionMs).toBeLessThan(defaults.dlqRetentionMs);
      expect(dlq?.configs['retention.ms']).toBe(String(dlq?.retentionMs));
    }
    const half = (f: { topics: Record<string, unknown>[] }) => delete (f.topics.find((t) => t.entrance) as Record<string, unknown>).dlqRetentionReason;
    expect(() => meshTopics(topicsFileWith(half), {})).toThrow(/\.dlq needs a reason/);
  });

  it('refuses a topic without a retention, without a reason, or with a retention the broker would not take', () => {
    const submitted = (f: { topics: Record<string, unknown>[] }) => f.topics.find((t) => t.name === 'claims.submitted.v1') as Record<string, unknown>;
    expect(() => meshTopics(topicsFileWith((f) => delete submitted(f).retentionMs), {})).toThrow(/claims\.submitted\.v1 needs a retention/);
    expect(() => meshTopics(topicsFileWith((f) => (submitted(f).retentionReason = ' ')), {})).toThrow(/claims\.submitted\.v1 needs a reason/);
    expect(() => meshTopics(topicsFileWith((f) => (submitted(f).retentionMs = 0)), {})).toThrow(/needs a retention/);
    expect(() => meshTopics(topicsFileWith((f) => delete f.defaults.dlqRetentionReason), {})).toThrow(/dead-letter twins\) needs a reason/);
  });

  it('marks the entrances where upstream writes its plaintext, and their dead-letter twins', () => {
    expect(meshTopics(undefined, {}).filter((t) => t.entrance).map((t) => t.name)).toEqual([
      'claims.inbound.json.v1',
      'claims.inbound.json.v1.dlq',
      'claims.inbound.avro.v1',
      'claims.inbound.avro.v1.dlq',
    ]);
  });

  it('refuses a control topic that does not state cleanupPolicy compact', () => {
    const path = topicsFileWith((f) => f.topics.filter((t) => t.kind === 'control').forEach((t) => delete t.cleanupPolicy));
    expect(() => meshTopics(path, {})).toThrow(/models\.rollout\.v1 is a control topic.*compact/);
  });
});
