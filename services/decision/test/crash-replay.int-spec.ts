import { ClaimScored } from '@claims-mesh/contracts';
import { ServiceProcess } from '@claims-mesh/testing';
import {
  DecisionPipe,
  freshGroupAtTopicEnds,
  scoredClaim,
  spawnDecisionService,
  startDecisionService,
} from './decision-harness';

const PORT = 13421;
const CLAIMS = 3000;
const CHUNK = 100;

describe('decision service: replay after SIGKILL (real Kafka, registry and Redis)', () => {
  let pipe: DecisionPipe;

  beforeAll(async () => {
    pipe = await DecisionPipe.open();
  });

  afterAll(async () => {
    await pipe?.close();
  });

  it('publishes exactly one decision per claim when killed mid-stream and restarted in the same group', async () => {
    const groupId = await freshGroupAtTopicEnds();
    const claims = Array.from({ length: CLAIMS }, (_, i) =>
      // A mix of actions, so REVIEW decisions (kept longer in the ledger) are replayed too.
      scoredClaim({ score: { fraudProbability: (i % 10) / 10 } }),
    );
    const ids = claims.map((c) => c.claimId);

    const first = spawnDecisionService(PORT, { KAFKA_GROUP_ID: groupId });
    // The rest of the claims follow once the service is deciding: sent while it still started,
    // they all waited in the topic and went through in its first batches, before the kill (seen
    // once the service got faster). They keep coming while it runs, is killed, and is down.
    await pipe.sendScored(claims.slice(0, CHUNK));
    await waitForDecided(pipe, ids, 1);
    const sending = sendInChunks(pipe, claims.slice(CHUNK));
    await waitForDecided(pipe, ids, CLAIMS / 10);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const decidedBeforeKill = countDecided(await pipe.decisionsOf(ids));
    expect(decidedBeforeKill).toBeLessThan(CLAIMS); // it really died mid-way

    await sending;
    let second: ServiceProcess | undefined;
    try {
      second = await startDecisionService(PORT, {}, groupId);
      await pipe.awaitDecisions(ids, 1, 120_000);
      for (let partition = 0; partition < 6; partition++) await pipe.settle(partition);

      const decided = await pipe.decisionsOf(ids);
      const duplicated = decided
        .filter((records) => records.length !== 1)
        .map((records) => records[0].value.claimId);
      expect(duplicated).toEqual([]);
      expect(decided.map(([record]) => record.value.causationId)).toEqual(claims.map((c) => c.eventId));
    } finally {
      await second?.stop();
    }
  });
});

async function sendInChunks(pipe: DecisionPipe, claims: ClaimScored[]): Promise<void> {
  for (let i = 0; i < claims.length; i += CHUNK) {
    await pipe.sendScored(claims.slice(i, i + CHUNK));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForDecided(pipe: DecisionPipe, ids: string[], atLeast: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (countDecided(await pipe.decisionsOf(ids)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`fewer than ${atLeast} claims decided within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function countDecided(perClaim: unknown[][]): number {
  return perClaim.filter((records) => records.length > 0).length;
}
