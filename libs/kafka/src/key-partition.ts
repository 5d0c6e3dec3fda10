/**
 * The partition Kafka's default partitioner gives a keyed record: murmur2 of the key's bytes,
 * made positive by masking the sign bit, modulo the partition count. The same function as
 * the Java client's (Utils.murmur2, toPositive) and kafkajs' DefaultPartitioner, so the mesh
 * and other producers put a claim on the same partition. kafkajs computes it with a 64-bit
 * Long emulation, several allocations per 4 bytes; every record a service publishes goes
 * through here, so this one stays in 32-bit integer arithmetic (Math.imul).
 */
export function partitionOfKey(key: Buffer | string, partitions: number): number {
  return (murmur2(typeof key === 'string' ? Buffer.from(key) : key) & 0x7fffffff) % partitions;
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (32-bit, seed 0x9747b28c) as a signed 32-bit integer. */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= data[whole + 2] << 16;
    if (tail >= 2) h ^= data[whole + 1] << 8;
    h ^= data[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
