import { waitFor } from '@claims-mesh/testing';
import { ChaosMesh } from './chaos-mesh';
import { ChaosStack } from './chaos-stack';
import { describeSpread, groupsOf, ServiceGroups, spreadOverAll } from './group-members';

/**
 * A fault and its recovery, by name:
 *   kill:SERVICE  SIGKILL the service, start it again a second later, wait until it is ready.
 *                 With replicas, SIGKILL its last replica instead, wait until the others hold
 *                 all its groups' partitions (the coordinator gives up on the killed static member
 *                 after its 30 s session), then start it again and wait until it has its share back
 *   kafka         SIGKILL the single broker, start it again two seconds later (stack up kafka)
 *   broker:N      SIGKILL node N of a multi-broker cluster; its supervisor starts it again after
 *                 KAFKA_RESTART_DELAY_S; the run checks decisions keep coming meanwhile
 *   triton        SIGKILL Triton shard 0; infra/local/triton/shards.py starts it again (~3 s)
 * Names joined by '+' happen at the same time (e.g. kill:decision+kill:audit).
 */
export type FaultName = string;

export interface FaultContext {
  stack: ChaosStack;
  mesh: ChaosMesh;
  /** Claims decided so far (distinct), to see the mesh keep deciding while a broker is down. */
  decided: () => number;
  log: (line: string) => void;
}

export interface FaultRecord {
  name: FaultName;
  /** Claims accepted by ingest when the fault struck. */
  atAccepted: number;
  /** From the kill until everything was back. */
  recoverySeconds: number;
  note?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every service SIGKILLed once, the broker restarted, a Triton shard killed: the `make chaos` plan. */
export function fullPlan(brokers: number): FaultName[] {
  return [
    'kill:ingest',
    'kill:feature',
    'triton',
    'kill:inference-gateway',
    'kill:decision',
    brokers === 1 ? 'kafka' : 'broker:2',
    'kill:audit',
    'kill:human-task',
  ];
}

export async function inject(fault: FaultName, ctx: FaultContext): Promise<string | undefined> {
  const notes = await Promise.all(fault.split('+').map((one) => injectOne(one, ctx)));
  return notes.filter(Boolean).join('; ') || undefined;
}

async function injectOne(fault: string, ctx: FaultContext): Promise<string | undefined> {
  const [kind, arg] = fault.split(':');
  switch (kind) {
    case 'kill': {
      if (ctx.mesh.replicas > 1) return killReplica(arg, ctx);
      await ctx.mesh.kill(arg);
      await sleep(1000);
      await ctx.mesh.startService(arg);
      return undefined;
    }
    case 'kafka': {
      const pid = ctx.stack.killBroker(1);
      await sleep(2000);
      await ctx.stack.restartBroker(1, pid);
      return undefined;
    }
    case 'broker': {
      const node = Number(arg);
      const before = ctx.decided();
      const pid = ctx.stack.killBroker(node);
      await ctx.stack.restartBroker(node, pid);
      return `${ctx.decided() - before} claims decided while broker ${node} was down`;
    }
    case 'triton': {
      ctx.stack.killTritonShard(0);
      await sleep(1000);
      await ctx.stack.tritonShardReady(0);
      return undefined;
    }
    default:
      throw new Error(`unknown fault ${fault}`);
  }
}

/** SIGKILL of one replica of several: its partitions must move to the others, then be shared again once it is back. */
async function killReplica(service: string, ctx: FaultContext): Promise<string> {
  const { mesh, stack } = ctx;
  const replica = mesh.replicas - 1;
  const killed = mesh.instanceId(replica);
  const before = await groupsOf(stack.kafkaBrokers, service);
  const partitions = totalPartitions(before);
  await mesh.kill(service, replica);
  const killedAt = Date.now();
  const decidedAtKill = ctx.decided();
  // The survivors hold every partition the group had, and the killed member none.
  const moved = await waitFor(
    `${service}'s partitions to move from ${killed} to the other replicas`,
    async () => {
      const now = await groupsOf(stack.kafkaBrokers, service);
      const taken = [...now.values()].every((members) => members.every((m) => m.instanceId !== killed));
      return taken && totalPartitions(now) === partitions ? now : undefined;
    },
    120_000,
    1000,
  );
  const movedSeconds = Math.round((Date.now() - killedAt) / 100) / 10;
  const decidedMeanwhile = ctx.decided() - decidedAtKill;
  await mesh.startService(service, replica);
  const shared = await waitFor(
    `${service}'s partitions to be shared by all ${mesh.replicas} replicas again`,
    async () => {
      const now = await groupsOf(stack.kafkaBrokers, service);
      return spreadOverAll(now, mesh.replicas) ? now : undefined;
    },
    120_000,
    1000,
  );
  return (
    `partitions before ${describeSpread(before)}; after the kill (${movedSeconds} s, ${decidedMeanwhile} claims decided meanwhile) ` +
    `${describeSpread(moved)}; back ${describeSpread(shared)}`
  );
}

function totalPartitions(groups: ServiceGroups): number {
  return [...groups.values()].flat().reduce((sum, m) => sum + m.partitions, 0);
}
