import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { murmur2, partitionOfKey } from './key-partition';

describe('partitionOfKey', () => {
  const kafkajsPartitioner = Partitioners.DefaultPartitioner();
  const metadataOf = (count: number) =>
    Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));

  it('gives every key the partition kafkajs (and the Java client) gives it', () => {
    for (const partitions of [1, 3, 6, 7, 12]) {
      const partitionMetadata = metadataOf(partitions);
      for (let i = 0; i < 2_000; i++) {
        // Every length modulo 4, text and arbitrary bytes.
        const key = i % 2 === 0 ? randomUUID().slice(0, i % 37) : randomBytes(i % 23);
        const expected = kafkajsPartitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(partitionOfKey(key, partitions)).toBe(expected);
      }
    }
  });

  it('matches the murmur2 values of the Java client for known inputs', () => {
    // Kafka's own test vectors (clients UtilsTest.testMurmur2).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from([97, 98, 99]))).toBe(479470107);
  });
});
