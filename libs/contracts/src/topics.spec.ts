import { meshTopics } from './topics';

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
    expect(rollout?.configs).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '2' });
    expect(topics.map((t) => t.name)).not.toContain('models.rollout.v1.dlq');
  });

  it('gives every event topic a dead-letter twin, keyed by claimId like its topic', () => {
    const events = meshTopics(undefined, {}).filter((t) => t.kind === 'event');
    for (const topic of events.filter((t) => !t.isDeadLetter)) {
      expect(events).toContainEqual(expect.objectContaining({ name: `${topic.name}.dlq`, isDeadLetter: true }));
      expect(topic.keyField).toBe('claimId');
    }
    expect(events.find((t) => t.isDeadLetter)?.configs['cleanup.policy']).toBeUndefined();
  });
});
