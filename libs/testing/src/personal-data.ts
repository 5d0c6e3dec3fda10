import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { AvroSerde, parseSecret, PiiCodec, topicValueSchema } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import { ServiceConfig, SubjectKeyStore } from '@claims-mesh/platform';
import { stack } from './stack-endpoints';

let codec: PiiCodec | undefined;

/**
 * Opens the personal data of records the mesh sealed, with the local stack's development
 * secrets and real key store (Redis), as a service that shows claims to people does: what a
 * test compares with what it sent. Null where the subject was erased.
 */
export async function openPersonalData<T>(topic: string, value: T): Promise<T> {
  const schema = topicValueSchema(topic);
  return codecOfTheStack().open(schema.name, schema.json, value);
}

/** The customer's keyed pseudonym under the local stack's development secret (as the services compute it). */
export function subjectRefOfCustomer(customerId: string): string {
  return codecOfTheStack().subjectRef(customerId);
}

function codecOfTheStack(): PiiCodec {
  if (!codec) {
    const defaults = new ServiceConfig();
    const kek = parseSecret('PII_KEK_FILE', readFileSync(process.env.PII_KEK_FILE ?? defaults.PII_KEK_FILE, 'utf8'));
    const secret = parseSecret('PSEUDONYM_SECRET_FILE', readFileSync(process.env.PSEUDONYM_SECRET_FILE ?? defaults.PSEUDONYM_SECRET_FILE, 'utf8'));
    // The publisher connects on its first publish: opening never publishes.
    const publisher = new KafkaPublisher({ clientId: 'it-open', brokers: stack.kafkaBrokers }, AvroSerde.forRegistry(stack.registryUrl));
    // Holding no key: an erased subject's data must be unreadable to this reader at once.
    codec = new PiiCodec(new SubjectKeyStore(new Redis(stack.redisUrl), publisher, kek, 0), secret);
  }
  return codec;
}

/** A topic value decoded and opened: what a spec compares with what it sent (the mesh seals personal data on every topic). */
export async function decodeOpened<T>(serde: AvroSerde, topic: string, bytes: Buffer | null): Promise<T> {
  return openPersonalData(topic, { ...(await serde.decode<T & object>(topic, bytes)) } as T);
}

/** A serde that seals personal data on encode as the mesh's services do (the stack's secrets and key store), for specs that feed a service the records another service would have sealed. */
export function sealingSerde(): AvroSerde {
  const serde = AvroSerde.forRegistry(stack.registryUrl);
  serde.sealPersonalData(codecOfTheStack());
  return serde;
}

/** One sealed value opened with the stack's key store: null once its subject was erased (plain text is returned as it is). */
export function openSealedText(text: string): Promise<string | null> {
  return codecOfTheStack().openText(text);
}
