import { randomUUID } from 'node:crypto';
import { AvroSerde, MODEL_ROLLOUT_TOPIC, modelRollout, type ModelRollout } from '@claims-mesh/contracts';
import { KafkaPublisher, publishRollout, type KafkaProducer } from '@claims-mesh/kafka';
import { ServiceProcess, stack, testKafka, testProducer, waitFor } from '@claims-mesh/testing';

/** What /health/ready says of the routing a gateway applies. */
export interface AppliedRouting {
  family: string;
  primaryVersion: string;
  canary: { version: string; weight: number } | null;
  shadowVersion: string | null;
  band: { low: number; high: number };
  stage: string;
  source: string;
  eventId: string;
}

type Decision = Partial<Omit<ModelRollout, 'eventId' | 'family' | 'decidedAt'>>;

/**
 * Rollout records of one test's own model family (a gateway started with MODEL_FAMILY = family
 * follows them), published as the rollout controller would. Closing publishes the family's
 * tombstone, so compaction eventually drops the test's records from the shared topic.
 */
export class Rollouts {
  readonly family = `it-${randomUUID()}`;

  private constructor(
    private readonly publisher: KafkaPublisher,
    private readonly producer: KafkaProducer,
    private readonly serde: AvroSerde,
  ) {}

  static async open(): Promise<Rollouts> {
    const serde = AvroSerde.forRegistry(stack.registryUrl);
    const producer = testProducer(testKafka('it-rollouts'));
    await producer.connect();
    return new Rollouts(new KafkaPublisher({ clientId: 'it-rollouts', brokers: stack.kafkaBrokers }, serde), producer, serde);
  }

  /** A decision of this family: version 1 alone, band [0.3, 0.7], unless told otherwise. */
  decision(decision: Decision = {}): ModelRollout {
    return modelRollout({
      family: this.family,
      primaryVersion: '1',
      canary: null,
      shadowVersion: null,
      uncertainLow: 0.3,
      uncertainHigh: 0.7,
      stage: 'PRIMARY',
      candidateVersion: null,
      reason: 'integration test',
      decidedBy: 'it',
      ...decision,
    });
  }

  /** Publishes a decision through publishRollout (validated, durable) and returns it. */
  async publish(decision: Decision = {}): Promise<ModelRollout> {
    const rollout = this.decision(decision);
    await publishRollout(this.publisher, rollout);
    return rollout;
  }

  /** Writes a value under this family's key as it is, past any validation: how a bad record gets onto the topic. */
  async publishRaw(value: Buffer | ModelRollout): Promise<void> {
    const bytes = Buffer.isBuffer(value) ? value : await this.serde.encode(MODEL_ROLLOUT_TOPIC, value);
    await this.producer.send({ topic: MODEL_ROLLOUT_TOPIC, messages: [{ key: this.family, value: bytes }] });
  }

  async close(): Promise<void> {
    await this.producer.send({ topic: MODEL_ROLLOUT_TOPIC, messages: [{ key: this.family, value: null }] }).catch(() => undefined);
    await Promise.all([this.producer.disconnect(), this.publisher.close()]);
  }
}

/** The routing the gateway applies now, from its /health/ready body. */
export async function appliedRouting(service: ServiceProcess): Promise<AppliedRouting> {
  const body = (await (await fetch(service.url('/health/ready'))).json()) as Record<'info' | 'error', Record<string, AppliedRouting> | undefined>;
  const routing = body.info?.routing ?? body.error?.routing;
  if (!routing) throw new Error(`no routing in /health/ready: ${JSON.stringify(body)}`);
  return routing;
}

/** Waits until the gateway applies the rollout record `eventId`. */
export async function waitForRouting(service: ServiceProcess, eventId: string, timeoutMs = 15_000): Promise<AppliedRouting> {
  return waitFor(`${service.name} to apply rollout ${eventId}`, async () => {
    const routing = await appliedRouting(service);
    return routing.eventId === eventId ? routing : undefined;
  }, timeoutMs, 50);
}
