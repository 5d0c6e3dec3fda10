import { randomUUID } from 'node:crypto';
import { AvroSerde, ClaimEnriched, ClaimSubmitted, Topic, WireFormatError } from '@claims-mesh/contracts';
import type { Kafka, KafkaProducer } from '@claims-mesh/kafka';
import { decodeOpened, ServiceProcess, stack, startGroupAtEnd, testKafka, testProducer, TopicTail, waitFor } from '@claims-mesh/testing';

export const SUBMITTED: Topic = 'claims.submitted.v1';
export const ENRICHED: Topic = 'claims.enriched.v1';
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Runs the built feature service as a real process under a fresh consumer group whose
 * offsets are first set to the end of claims.submitted.v1: the topic is shared with other
 * suites, and this way the service sees exactly the claims the test submits, in order,
 * no matter how much history the topic holds.
 */
export async function startFeatureService(
  port: number,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const groupId = `feature-it-${randomUUID()}`;
  await startGroupAtEnd(groupId, [SUBMITTED]);
  const service = ServiceProcess.start('feature', port, { KAFKA_GROUP_ID: groupId, ...env });
  await service.listening();
  return service;
}

export interface EnrichedRecord {
  key: string | undefined;
  value: ClaimEnriched;
}

/** Submits claims as upstream producers do and reads what the feature service publishes. */
export class ClaimsPipe {
  private readonly decoded: EnrichedRecord[] = [];
  private read = 0;

  private constructor(
    private readonly serde: AvroSerde,
    private readonly producer: KafkaProducer,
    private readonly reader: TopicTail,
  ) {}

  static async open(): Promise<ClaimsPipe> {
    const kafka: Kafka = testKafka('it-feature');
    const producer = testProducer(kafka);
    await producer.connect();
    // From the topic's end: benchmarks leave millions of earlier records on the shared topic.
    const reader = await TopicTail.start(kafka, [ENRICHED]);
    return new ClaimsPipe(AvroSerde.forRegistry(stack.registryUrl), producer, reader);
  }

  /**
   * Produces the claims (key = claimId, Avro in the Confluent wire format) to one partition,
   * so the service handles them in this order, as it would a customer's claims in one batch.
   */
  async submit(claims: ClaimSubmitted[], partition = 0): Promise<void> {
    const messages = await Promise.all(
      claims.map(async (claim) => ({
        key: claim.claimId,
        value: await this.serde.encode(SUBMITTED, claim),
        partition,
      })),
    );
    await this.producer.send({ topic: SUBMITTED, messages });
  }

  /** The enriched records of each claim, in publishing order, once every claim has `copies` of them. */
  async enrichedOf(claims: ClaimSubmitted[], copies = 1, timeoutMs = 60_000): Promise<EnrichedRecord[][]> {
    return waitFor(
      `${copies} enriched record(s) for each of ${claims.length} claims`,
      async () => {
        await this.decodeNew();
        const perClaim = claims.map((claim) => this.decoded.filter((r) => r.value.claimId === claim.claimId));
        return perClaim.every((records) => records.length >= copies) ? perClaim : undefined;
      },
      timeoutMs,
    );
  }

  /** The features published for each claim (its first enriched record), in the order of `claims`. */
  async featuresOf(claims: ClaimSubmitted[]): Promise<ClaimEnriched['features'][]> {
    return (await this.enrichedOf(claims)).map(([first]) => first.value.features);
  }

  async close(): Promise<void> {
    await this.reader.stop();
    await this.producer.disconnect();
  }

  private async decodeNew(): Promise<void> {
    while (this.read < this.reader.records.length) {
      const { message } = this.reader.records[this.read];
      // Other suites write to this topic too; a record that is not a ClaimEnriched is none of this test's business.
      const value = await decodeOpened<ClaimEnriched>(this.serde, ENRICHED, message.value)
        .catch((error: unknown) => {
          if (error instanceof WireFormatError) return undefined;
          throw error;
        });
      if (value) this.decoded.push({ key: message.key?.toString(), value });
      this.read++;
    }
  }
}

/** A name no other test run uses, for customers, serial numbers and products. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
