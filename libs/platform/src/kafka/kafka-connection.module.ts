import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AvroSerde } from '@claims-mesh/contracts';
import { KafkaConnectionOptions, KafkaHealthProbe, KafkaPublisher } from '@claims-mesh/kafka';
import { ServiceConfig } from '../config/service-config';
import { SERVICE_NAME } from '../service-name';

/** The service's Kafka connection settings (clientId = service name), for the clients it builds. */
export const KAFKA_CONNECTION = Symbol('KAFKA_CONNECTION');

@Injectable()
class KafkaClientsLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly probe: KafkaHealthProbe,
    private readonly publisher: KafkaPublisher,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.probe.close(), this.publisher.close()]);
  }
}

/**
 * The service's Kafka connection settings, its readiness probe, its Avro serde and
 * its publisher for request paths (which connects on its first publish, so a service that never
 * publishes opens no producer).
 */
@Global()
@Module({
  providers: [
    {
      provide: KAFKA_CONNECTION,
      inject: [ServiceConfig, SERVICE_NAME],
      useFactory: (config: ServiceConfig, serviceName: string): KafkaConnectionOptions => ({
        clientId: serviceName,
        brokers: config.KAFKA_BROKERS,
      }),
    },
    { provide: KafkaHealthProbe, inject: [KAFKA_CONNECTION], useFactory: (connection: KafkaConnectionOptions) => new KafkaHealthProbe(connection) },
    {
      provide: AvroSerde,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) => AvroSerde.forRegistry(config.SCHEMA_REGISTRY_URL),
    },
    {
      provide: KafkaPublisher,
      inject: [KAFKA_CONNECTION, AvroSerde],
      useFactory: (connection: KafkaConnectionOptions, serde: AvroSerde) => new KafkaPublisher(connection, serde),
    },
    KafkaClientsLifecycle,
  ],
  exports: [KAFKA_CONNECTION, KafkaHealthProbe, AvroSerde, KafkaPublisher],
})
export class KafkaConnectionModule {}
