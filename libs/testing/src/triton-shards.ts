import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const STACK_DATA = process.env.STACK_DATA ?? join(__dirname, '..', '..', '..', '.stack');

/**
 * The pid of the tritonserver process behind a shard of the local stack (address host:port of its
 * gRPC endpoint), so a test can kill or freeze that one shard. infra/local/triton/shards.py
 * writes it, and starts a killed shard again a few seconds later.
 */
export function tritonShardPid(address: string): number {
  const port = address.slice(address.lastIndexOf(':') + 1);
  return Number(readFileSync(join(STACK_DATA, 'triton', `shard-${port}.pid`), 'utf8').trim());
}
