import { Injectable } from '@nestjs/common';
import { AvroSerde, Topic, TopicValues } from '@claims-mesh/contracts';
import { AuditConfig } from '../config';
import { stageReaderSchemaOf } from '../lineage/stages';

/**
 * Decodes the records of stage topics with audit's reader schemas (lineage/stages.ts), which
 * hold only what the lineage keeps. A serde of its own: the service's shared one reads whole
 * records (dead letters keep the claim they carry).
 */
@Injectable()
export class StageRecordDecoder {
  private readonly serde: AvroSerde;

  constructor(config: AuditConfig) {
    this.serde = AvroSerde.forRegistry(config.SCHEMA_REGISTRY_URL, stageReaderSchemaOf);
  }

  /** Synchronous once the writer schema is known (every record after the first of a schema). */
  decode<K extends Topic>(topic: K, bytes: Buffer | null): TopicValues[K] | Promise<TopicValues[K]> {
    return this.serde.decodeNow<TopicValues[K]>(topic, bytes);
  }
}
