import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
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

/** The service's kafkajs client (clientId = service name) and its readiness probe. */
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
    KafkaProbeLifecycle,
  ],
  exports: [Kafka, KafkaHealthProbe],
})
export class KafkaConnectionModule {}
