import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AvroSerde } from '@claims-mesh/contracts';
import { createKafka, KafkaHealthProbe } from '@claims-mesh/kafka';
import { Kafka } from 'kafkajs';
import { ServiceConfig } from '../config/service-config';
import { SERVICE_NAME } from '../service-name';

@Injectable()
class KafkaProbeLifecycle implements OnApplicationShutdown {
  constructor(private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

/** The service's kafkajs client (clientId = service name), its readiness probe and its Avro serde. */
@Global()
@Module({
  providers: [
    {
      provide: Kafka,
      inject: [ServiceConfig, SERVICE_NAME],
      useFactory: (config: ServiceConfig, serviceName: string) =>
        createKafka({ clientId: serviceName, brokers: config.KAFKA_BROKERS }),
    },
    { provide: KafkaHealthProbe, inject: [Kafka], useFactory: (kafka: Kafka) => new KafkaHealthProbe(kafka) },
    {
      provide: AvroSerde,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) => AvroSerde.forRegistry(config.SCHEMA_REGISTRY_URL),
    },
    KafkaProbeLifecycle,
  ],
  exports: [Kafka, KafkaHealthProbe, AvroSerde],
})
export class KafkaConnectionModule {}
