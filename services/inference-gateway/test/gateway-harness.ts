import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimEnriched, ClaimScored, Topic, WireFormatError } from '@claims-mesh/contracts';
import type { KafkaProducer } from '@claims-mesh/kafka';
import {
  sampleClaim,
  sampleEnriched,
  sampleFeatures,
  ServiceProcess,
  stack,
  startGroupAtEnd,
  testKafka,
  testProducer,
  TopicTail,
  waitFor,
} from '@claims-mesh/testing';
import { fraudModelInput, fraudModelIo, TritonClient } from '@claims-mesh/triton';

/** The models' max_batch_size in the local stack's Triton repository. */
const MAX_BATCH_SIZE = 256;

export const ENRICHED: Topic = 'claims.enriched.v1';
export const SCORED: Topic = 'claims.scored.v1';
export const SHADOW: Topic = 'claims.scored.shadow.v1';

/**
 * Runs the built gateway under a fresh consumer group whose offsets start at the end of
 * claims.enriched.v1, so it scores exactly the claims the test sends. Its model family is its
 * own unless the test names one: its routing is the environment's until the test publishes a
 * rollout of that family, whatever rollout records others left in models.rollout.v1.
 */
export async function startGateway(port: number, env: Record<string, string> = {}, beforeStart?: () => Promise<void>): Promise<ServiceProcess> {
  const groupId = `inference-gateway-it-${randomUUID()}`;
  await startGroupAtEnd(groupId, [ENRICHED]);
  // E.g. claims sent here wait for the gateway: its consumer finds them as soon as it starts.
  await beforeStart?.();
  const service = ServiceProcess.start('inference-gateway', port, { KAFKA_GROUP_ID: groupId, MODEL_FAMILY: `it-${randomUUID()}`, ...env });
  await service.listening();
  return service;
}

/**
 * Enriched claims whose features spread over the range the models were trained on (seeded by
 * index), so the student's probabilities cover both sides of the uncertain band.
 */
export function enrichedClaims(count: number): ClaimEnriched[] {
  return Array.from({ length: count }, (_, i) => {
    const risky = i % 3 === 0;
    const count24h = 1 + (i % 7) * (risky ? 2 : 0);
    const claim = sampleClaim({ amountMinor: 20_000 + ((i * 7919) % 200_000), mediaCount: i % 4 });
    const enriched = sampleEnriched(claim);
    enriched.features = sampleFeatures({
      customerClaimCount1h: risky ? 1 + (i % 3) : 1,
      customerClaimCount24h: count24h,
      customerClaimCount30d: count24h + (i % 5),
      customerAmount1hMinor: claim.amountMinor,
      customerAmount24hMinor: claim.amountMinor * count24h,
      customerAmount30dMinor: claim.amountMinor * (count24h + 1),
      amountZScore: ((i * 37) % 90) / 10 - 2,
      daysSincePolicyStart: risky ? (i % 60) - 5 : 30 + ((i * 131) % 1000),
      descriptionLength: 10 + ((i * 53) % 300),
      mediaCount: claim.mediaCount,
      isFirstClaim: i % 4 === 0,
      serialNumberSeenBefore: i % 17 === 0,
    });
    return enriched;
  });
}

/**
 * Sends enriched claims as the feature service would, and reads what the gateway publishes
 * from the topics' end at open (the shared topics hold every earlier run's records).
 */
export class GatewayPipe {
  private readonly decoded = new Map<string, ClaimScored[]>();
  private read = 0;

  private constructor(
    private readonly serde: AvroSerde,
    private readonly producer: KafkaProducer,
    private readonly tail: TopicTail,
  ) {}

  static async open(): Promise<GatewayPipe> {
    const kafka = testKafka('it-gateway');
    const producer = testProducer(kafka);
    await producer.connect();
    const tail = await TopicTail.start(kafka, [SCORED, SHADOW]);
    return new GatewayPipe(AvroSerde.forRegistry(stack.registryUrl), producer, tail);
  }

  async send(claims: ClaimEnriched[]): Promise<void> {
    const messages = await Promise.all(
      claims.map(async (claim) => ({ key: claim.claimId, value: await this.serde.encode(ENRICHED, claim) })),
    );
    await this.producer.send({ topic: ENRICHED, messages });
  }

  /** Every record of `topic` for the claims, once each claim has at least one. */
  async scoredOf(claims: ClaimEnriched[], topic: 'scored' | 'shadow' = 'scored', timeoutMs = 60_000): Promise<ClaimScored[][]> {
    return waitFor(
      `a ${topic} record for each of ${claims.length} claims`,
      async () => {
        const perClaim = await this.recordsOf(claims, topic);
        return perClaim.every((records) => records.length > 0) ? perClaim : undefined;
      },
      timeoutMs,
    );
  }

  /** What `topic` holds for the claims right now. */
  async recordsOf(claims: ClaimEnriched[], topic: 'scored' | 'shadow'): Promise<ClaimScored[][]> {
    await this.decodeNew();
    return claims.map((claim) => this.decoded.get(`${topic}/${claim.claimId}`) ?? []);
  }

  async close(): Promise<void> {
    await this.tail.stop();
    await this.producer.disconnect();
  }

  private async decodeNew(): Promise<void> {
    while (this.read < this.tail.records.length) {
      const { topic: name, message } = this.tail.records[this.read++];
      const value = await this.serde.decode<ClaimScored>(name as Topic, message.value).catch((error: unknown) => {
        if (error instanceof WireFormatError) return undefined;
        throw error;
      });
      if (value) {
        const key = `${name === SCORED ? 'scored' : 'shadow'}/${value.claimId}`;
        this.decoded.set(key, [...(this.decoded.get(key) ?? []), value]);
      }
    }
  }
}

/** The value of the Prometheus series `name` carrying all of `labels`, or undefined when absent. */
export async function metricValue(service: ServiceProcess, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(service.url('/metrics'))).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** What a model version gives each claim when asked directly, without the gateway. */
export async function directScores(claims: ClaimEnriched[], model: string, version: string): Promise<number[]> {
  const client = new TritonClient({ address: stack.tritonShards[0] });
  try {
    const featureCount = fraudModelIo().features.length;
    const scores: number[] = [];
    for (let start = 0; start < claims.length; start += MAX_BATCH_SIZE) {
      const chunk = claims.slice(start, start + MAX_BATCH_SIZE);
      const rows = new Float32Array(chunk.length * featureCount);
      chunk.forEach((claim, i) => rows.set(fraudModelInput(claim), i * featureCount));
      scores.push(...(await client.infer(model, version, rows, chunk.length, featureCount)).values);
    }
    return scores;
  } finally {
    client.close();
  }
}
