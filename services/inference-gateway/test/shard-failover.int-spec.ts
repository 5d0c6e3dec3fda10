import type { ClaimEnriched } from '@claims-mesh/contracts';
import { ServiceProcess, stack, tritonShardPid, waitFor } from '@claims-mesh/testing';
import { enrichedClaims, GatewayPipe, metricValue, startGateway } from './gateway-harness';

const [SURVIVOR, VICTIM] = stack.tritonShards;
const OPEN = 2;
const CLOSED = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inference gateway: one Triton shard dies under load (real Triton)', () => {
  let service: ServiceProcess;
  let pipe: GatewayPipe;

  beforeAll(async () => {
    service = await startGateway(13302, { BREAKER_COOLDOWN_MS: '1000', TRITON_TIMEOUT_MS: '500' });
    pipe = await GatewayPipe.open();
  }, 60_000);

  afterAll(async () => {
    await pipe?.close();
    await service?.stop();
  });

  it('fails no claim, moves traffic to the survivor, ejects the dead shard and re-admits it when it returns', async () => {
    const breakerOf = (shard: string) => metricValue(service, 'gateway_breaker_state', { shard });
    const warmup = enrichedClaims(200);
    await pipe.send(warmup);
    const warmScored = await pipe.scoredOf(warmup);
    expect(new Set(warmScored.map(([s]) => s.shard))).toEqual(new Set([SURVIVOR, VICTIM]));

    // Steady load: 50 claims every 50 ms, the shard killed a second in.
    const sent: ClaimEnriched[] = [];
    let openedAt: number | undefined;
    const load = (async () => {
      for (let tick = 0; tick < 120; tick++) {
        const wave = enrichedClaims(50);
        sent.push(...wave);
        await pipe.send(wave);
        if (openedAt === undefined && (await breakerOf(VICTIM)) === OPEN) openedAt = Date.now();
        await sleep(50);
      }
    })();
    await sleep(1000);
    process.kill(tritonShardPid(VICTIM), 'SIGKILL');
    await load;

    const scored = await pipe.scoredOf(sent, 'scored', 90_000);
    for (const records of scored) expect(records).toHaveLength(1);
    expect(openedAt).toBeDefined();
    expect(await metricValue(service, 'gateway_shard_failures_total', { shard: VICTIM })).toBeGreaterThan(0);
    // Once the breaker was seen open, nothing more was scored on the dead shard until it was back.
    const whileOpen = scored.map(([s]) => s).filter((s) => s.timestamps.scoredAt! > (openedAt as number) + 100);
    expect(whileOpen.length).toBeGreaterThan(0);
    expect(whileOpen.some((s) => s.shard === SURVIVOR)).toBe(true);

    // The supervisor restarts the shard; a ServerReady probe closes its breaker and traffic returns.
    await waitFor('the restarted shard to be re-admitted', async () => ((await breakerOf(VICTIM)) === CLOSED ? true : undefined), 90_000, 500);
    const after = enrichedClaims(400);
    await pipe.send(after);
    const afterScored = await pipe.scoredOf(after);
    expect(afterScored.some(([s]) => s.shard === VICTIM)).toBe(true);
  }, 240_000);
});
