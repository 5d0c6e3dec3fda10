import { Controller, Type } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { AvroSerde, ClaimSubmitted, parseSecret, PiiCodec, topicValueSchema, valueSchema } from '@claims-mesh/contracts';
import { BatchResult, InboundRecord, KafkaPublisher } from '@claims-mesh/kafka';
import { SubjectKeyStore } from '@claims-mesh/platform';
import { stack } from '@claims-mesh/testing';
import Redis from 'ioredis';
import { RelayTopics, TransportRelay } from './relays';

/**
 * The run's secrets, made at random by the bench and handed to its processes in the
 * environment: nothing sealed in a run can be opened after it, and no deployment secret is read.
 */
export const PII_KEK_ENV = 'BENCH_PII_KEK';
export const PSEUDONYM_SECRET_ENV = 'BENCH_PSEUDONYM_SECRET';

const CLAIM = valueSchema('ClaimSubmitted');

/** The bench's scratch topics are ClaimSubmitted; the key store's own topic keeps its schema from topics.json. */
export function benchSchemaOf(topic: string) {
  return topic.startsWith('bench.') ? CLAIM : topicValueSchema(topic);
}

/** What a service's PersonalData holds, on the stack's Redis and Kafka, under the run's secrets. */
export interface BenchPersonalData {
  codec: PiiCodec;
  /** The publisher the key store writes new keys with (and a producer its claims, as ingest shares one). */
  publisher: KafkaPublisher;
  close(): Promise<void>;
}

export function benchPersonalData(clientId: string, serde: AvroSerde): BenchPersonalData {
  const secret = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: the kafka-hop bench makes it for the processes it starts`);
    return parseSecret(name, value);
  };
  const redis = new Redis(stack.redisUrl);
  const publisher = new KafkaPublisher({ clientId, brokers: stack.kafkaBrokers }, serde);
  const keys = new SubjectKeyStore(redis, publisher, secret(PII_KEK_ENV));
  return {
    codec: new PiiCodec(keys, secret(PSEUDONYM_SECRET_ENV)),
    publisher,
    close: async () => {
      await publisher.close();
      redis.disconnect();
    },
  };
}

/**
 * A hop that reads claims' personal data as the feature service does (ClaimEnricher and its
 * keys): each poll as one batch, every claim opened (a no-op on plaintext), the customer's
 * pseudonym (from a sealed id's envelope, else an HMAC), the serial's pseudonym (an HMAC) and
 * the description's length; then every claim re-published as it came. With `sealing` the serde
 * seals on encode as a service with SEAL_PERSONAL_DATA does, which for a sealed claim is a
 * check that finds no plaintext. Opening misses the key store's memory for a subject's first
 * claim in the process (a Redis GET and an unwrap) and holds the key 60 s after.
 */
export class PersonalDataRelay extends TransportRelay {
  private readonly personalData: BenchPersonalData;

  constructor(topics: RelayTopics, serde: AvroSerde, sealing: boolean) {
    super(topics, serde, false);
    this.personalData = benchPersonalData(`${topics.connection.clientId}-keys`, AvroSerde.forRegistry(stack.registryUrl, benchSchemaOf));
    if (sealing) serde.sealPersonalData(this.personalData.codec);
  }

  /** What the feature service computes from a claim's personal data; the relay needs only the work, and drops the figures. */
  private async read(claims: ClaimSubmitted[]): Promise<{ subjectRef: string; serialRef: string; descriptionLength: number }[]> {
    const { codec } = this.personalData;
    const opened = await Promise.all(claims.map((claim) => codec.open(CLAIM.name, CLAIM.json, claim)));
    return opened.map((claim, i) => ({
      subjectRef: codec.subjectRef(claims[i].customerId),
      serialRef: codec.pseudonym((claim.serialNumber ?? '').trim().toUpperCase()),
      descriptionLength: (claim.description ?? '').length,
    }));
  }

  protected override controller(input: string, output: string, markFirst: () => void): Type<unknown> {
    const read = (claims: ClaimSubmitted[]) => this.read(claims);

    @Controller()
    class PersonalDataRelayController {
      @EventPattern(input, { batch: true })
      async relay(records: InboundRecord<ClaimSubmitted>[]): Promise<BatchResult> {
        markFirst();
        await read(records.map((record) => record.value));
        return { outputs: records.map((record) => ({ topic: output, key: record.key ?? '', value: record.value, causedBy: record })) };
      }
    }
    return PersonalDataRelayController;
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.personalData.close();
  }
}
