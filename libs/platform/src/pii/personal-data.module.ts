import { readFileSync } from 'node:fs';
import { Global, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { AvroSerde, parseSecret, PiiCodec, topicValueSchema } from '@claims-mesh/contracts';
import { KafkaPublisher } from '@claims-mesh/kafka';
import type Redis from 'ioredis';
import { ServiceConfig } from '../config/service-config';
import { REDIS } from '../redis/redis.module';
import { SubjectKeyStore } from './subject-key-store';

function readSecret(variable: string, file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the local stack makes it on \`infra/local/stack up\``);
  }
  return parseSecret(variable, text);
}

/**
 * A service's personal-data tools: the subjects' key store, and the codec that seals (on every
 * encode, once SEAL_PERSONAL_DATA is on) and opens (where a person reads a claim) the fields
 * the schemas mark `pii`, and gives subjects' keyed pseudonyms.
 */
@Injectable()
export class PersonalData implements OnModuleInit {
  readonly keys: SubjectKeyStore;
  readonly codec: PiiCodec;
  private readonly sealing: boolean;

  constructor(
    config: ServiceConfig,
    @Inject(REDIS) redis: Redis,
    publisher: KafkaPublisher,
    private readonly serde: AvroSerde,
  ) {
    this.keys = new SubjectKeyStore(redis, publisher, readSecret('PII_KEK_FILE', config.PII_KEK_FILE));
    this.codec = new PiiCodec(this.keys, readSecret('PSEUDONYM_SECRET_FILE', config.PSEUDONYM_SECRET_FILE));
    this.sealing = config.SEAL_PERSONAL_DATA;
  }

  onModuleInit(): void {
    if (!this.sealing) return;
    this.serde.sealPersonalData(this.codec);
    new Logger(PersonalData.name).log('sealing the fields the schemas mark pii on every encode');
  }

  /** The subject's keyed pseudonym, from a customer id or a sealed one. */
  subjectRef(customerId: string): string {
    return this.codec.subjectRef(customerId);
  }

  /** The keyed pseudonym of any personal value (not recomputable without the secret). */
  pseudonym(value: string): string {
    return this.codec.pseudonym(value);
  }

  /** A decoded value of the topic with its personal data opened (null where the subject was erased). */
  open<T>(topic: string, value: T): Promise<T> {
    const schema = topicValueSchema(topic);
    return this.codec.open(schema.name, schema.json, value);
  }
}

@Global()
@Module({ providers: [PersonalData], exports: [PersonalData] })
export class PersonalDataModule {}
