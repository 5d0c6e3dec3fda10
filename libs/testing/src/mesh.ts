import { randomUUID } from 'node:crypto';
import { meshTopics } from '@claims-mesh/contracts';
import { ServiceProcess } from './service-process';
import { commitOffsets, connectConsumer, DEFAULT_BACKOFF, disconnect, librdkafkaConfig, offsetCommitErrorAction, retryTransient } from '@claims-mesh/kafka';
import { testKafka } from './kafka-helpers';
import { liveRepository } from '@claims-mesh/triton';
import { stack } from './stack-endpoints';

/** The topics where upstream systems write claims for ingest (its consumer group's input). */
export const ENTRANCE_TOPICS = meshTopics()
  .filter((t) => t.entrance && !t.isDeadLetter)
  .map((t) => t.name);

/** What each service consumes, so a fresh consumer group can start at the end of it. */
const INPUTS: Record<string, string[]> = {
  ingest: ENTRANCE_TOPICS,
  feature: ['claims.submitted.v1'],
  'inference-gateway': ['claims.enriched.v1'],
  decision: ['claims.scored.v1', 'reviews.completed.v1', 'claims.evidence.v1'],
  'human-task': ['claims.decided.v1'],
  audit: meshTopics()
    .filter((t) => (t.kind === 'event' && t.valueFormat === 'avro' && !t.entrance) || t.isDeadLetter)
    .map((t) => t.name),
};

export const MESH_SERVICES = Object.keys(INPUTS);

/** What the rollout controller consumes: the claims' outcomes it judges a candidate by. */
const CONTROLLER_INPUTS = ['claims.scored.v1', 'claims.scored.shadow.v1', 'reviews.completed.v1', 'claims.decided.v1'];

export interface MeshOptions {
  /** Also run the rollout controller (port portBase + 7), for the mesh's own model family, with this environment. */
  rolloutController?: Record<string, string>;
}

/**
 * Commits offsets for a group without joining it (a standalone commit, which the broker takes
 * only while the group has no member): where its next member starts reading.
 */
export async function commitGroupOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number | string }[]): Promise<void> {
  const consumer = await connectConsumer({
    ...librdkafkaConfig({ clientId: 'it-group-offsets', brokers: stack.kafkaBrokers }),
    'group.id': groupId,
    'enable.auto.commit': false,
  });
  const positions = offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: Number(offset) }));
  const deadline = Date.now() + 60_000;
  try {
    // The group's coordinator may be loading or moving (a broker just started, __consumer_offsets
    // just created): NOT_COORDINATOR and its kin are retried, as the services' own commits are.
    await retryTransient(() => commitOffsets(consumer, positions), {
      backoff: DEFAULT_BACKOFF,
      shouldContinue: () => Date.now() < deadline,
      isPermanent: (error) => offsetCommitErrorAction(error) !== 'retry',
      onRetry: () => undefined,
    });
  } finally {
    await disconnect(consumer);
  }
}

/** Commits the current end of every partition of the topics for the group, so its next member starts there. */
export async function startGroupAtEnd(groupId: string, topics: string[]): Promise<void> {
  const admin = testKafka('it-group-offsets').admin();
  await admin.connect();
  try {
    const ends = await Promise.all(
      topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ topic, partition, offset: high }))),
    );
    await commitGroupOffsets(groupId, ends.flat());
  } finally {
    await admin.disconnect();
  }
}

/** The Redis keys of the feature store under one feature-set version (services/feature's FeatureKeys). */
export function featureStoreKeys(featureSetVersion: string): string {
  return `features:${featureSetVersion}:*`;
}

/** What keeps one mesh's services to its own claims and state, whoever else uses the stack. */
export interface IsolatedMesh {
  /** Each service's environment (the six, and the rollout controller when asked for), in port order. */
  environments: Record<string, Record<string, string>>;
  /** The Redis keys these services write (SCAN patterns), for whoever started them to delete. */
  redisKeyPatterns: string[];
}

/**
 * Consumer groups of the mesh's own, their offsets committed at the end of the topics, so the
 * services see only the claims sent from now on, whatever earlier tests left in the topics; and
 * Redis names of its own. Used for services run as processes (Mesh) and as containers alike.
 */
export async function isolateMesh(options: MeshOptions = {}): Promise<IsolatedMesh> {
  const run = randomUUID().slice(0, 8);
  const inputs: Record<string, string[]> = { ...INPUTS, ...(options.rolloutController ? { 'rollout-controller': CONTROLLER_INPUTS } : {}) };
  const groups = Object.keys(inputs).map((name) => ({ name, groupId: `${name}-it-${run}` }));
  await Promise.all(groups.map(({ name, groupId }) => startGroupAtEnd(groupId, inputs[name])));
  const groupOf = (service: string) => groups.find((g) => g.name === service)?.groupId as string;
  // Ingest's backpressure watches this mesh's own feature group. Feature counts, decisions,
  // lineage and review tasks start empty, so the reviewer page shows this mesh's tasks only.
  // The gateway follows a model family of its own: its routing is its environment's, whatever
  // rollout records of the fraud family the shared models.rollout.v1 holds.
  const [featureSet, decisionPrefix, auditPrefix, reviewPrefix] = [`it-${run}`, `decision-it-${run}`, `audit-it-${run}`, `human-task-it-${run}`];
  const own: Record<string, Record<string, string>> = {
    ingest: { DOWNSTREAM_GROUP: groupOf('feature') },
    feature: { FEATURE_SET_VERSION: featureSet },
    'inference-gateway': { MODEL_FAMILY: `it-${run}` },
    decision: { REDIS_KEY_PREFIX: decisionPrefix },
    audit: { AUDIT_KEY_PREFIX: auditPrefix },
    'human-task': { REDIS_KEY_PREFIX: reviewPrefix },
    'rollout-controller': { MODEL_FAMILY: `it-${run}`, TRITON_MODEL_REPOSITORY: process.env.TRITON_MODEL_REPOSITORY ?? liveRepository(), ...options.rolloutController },
  };
  return {
    environments: Object.fromEntries(groups.map(({ name, groupId }) => [name, { KAFKA_GROUP_ID: groupId, ...own[name] }])),
    redisKeyPatterns: [featureStoreKeys(featureSet), `${decisionPrefix}:*`, `${auditPrefix}:*`, `${reviewPrefix}:*`],
  };
}

/**
 * All six services as real processes on test ports (portBase + 1..6), each in a consumer
 * group of its own that starts at the end of its topics: the test sees only its own claims
 * flow through, whatever earlier tests left in the topics. The services that keep state in
 * Redis keep it under names of this mesh's own (redisKeyPatterns), for the same reason and
 * so that whoever started it can delete them.
 */
export class Mesh {
  private constructor(
    readonly services: Map<string, ServiceProcess>,
    /** The Redis keys this mesh's services write (SCAN patterns). */
    readonly redisKeyPatterns: string[],
    /** Each service's environment as started, for a restart with changes. */
    private readonly environments: Map<string, Record<string, string>>,
  ) {}

  static async start(portBase: number, env: Record<string, string> = {}, options: MeshOptions = {}): Promise<Mesh> {
    const isolated = await isolateMesh(options);
    const services = new Map<string, ServiceProcess>();
    const environments = new Map<string, Record<string, string>>();
    for (const [i, [name, own]] of Object.entries(isolated.environments).entries()) {
      // The controller's own environment goes last: the mesh-wide one is the six services'.
      const environment = name === 'rollout-controller' ? { ...env, ...own } : { ...own, ...env };
      environments.set(name, environment);
      services.set(name, ServiceProcess.start(name, portBase + i + 1, environment));
    }
    const mesh = new Mesh(services, isolated.redisKeyPatterns, environments);
    try {
      await Promise.all([...services.values()].map((s) => s.listening(60_000)));
    } catch (error) {
      // Those that did start would outlive the caller, which never gets the mesh to stop.
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  service(name: string): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service ${name} in the mesh`);
    return service;
  }

  /** Stops a service and starts it again on its port and group, its environment changed by `changes`. */
  async restart(name: string, changes: Record<string, string> = {}): Promise<ServiceProcess> {
    const old = this.service(name);
    await old.stop();
    const environment = { ...this.environments.get(name), ...changes };
    this.environments.set(name, environment);
    const started = ServiceProcess.start(name, old.port, environment);
    this.services.set(name, started);
    await started.listening(60_000);
    return started;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop()));
  }
}
