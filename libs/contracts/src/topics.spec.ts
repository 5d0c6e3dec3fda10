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
});
