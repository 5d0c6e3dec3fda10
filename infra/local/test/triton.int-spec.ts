import { status } from '@grpc/grpc-js';
import { stack, tritonShardPid, waitFor } from '@claims-mesh/testing';
import { TritonClient, TritonError } from '@claims-mesh/triton';

describe('Triton shards of the local stack', () => {
  const shards = stack.tritonShards.map((address) => new TritonClient({ address, timeoutMs: 2000 }));

  afterAll(() => shards.forEach((shard) => shard.close()));

  it('runs every shard as its own server process', async () => {
    const pids = stack.tritonShards.map(tritonShardPid);
    expect(new Set(pids).size).toBe(stack.tritonShards.length);
    for (const shard of shards) expect(await shard.serverReady()).toBe(true);
  });

  it('brings a killed shard back while the other shard keeps serving', async () => {
    const [survivor, victim] = shards;
    const victimAddress = stack.tritonShards[1];
    const pid = tritonShardPid(victimAddress);
    process.kill(pid, 'SIGKILL');

    const refused = await waitFor('the killed shard to refuse calls', async () => {
      const error = await victim.serverLive().catch((e: unknown) => e);
      return error instanceof TritonError ? error : undefined;
    });
    expect(refused.code).toBe(status.UNAVAILABLE);
    expect(await survivor.serverReady()).toBe(true);

    await waitFor('the shard to be restarted and ready', async () =>
      (await victim.serverReady()) ? true : undefined,
    );
    expect(tritonShardPid(victimAddress)).not.toBe(pid);
    expect(await victim.modelReady('fraud_teacher', '2')).toBe(true);
  });
});
