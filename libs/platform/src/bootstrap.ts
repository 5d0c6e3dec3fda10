import { INestApplication, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AvroSerde } from '@claims-mesh/contracts';
import { HandlerErrorPassthroughFilter, KafkaTransport } from '@claims-mesh/kafka';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { ServiceConfig } from './config/service-config';
import { ServiceSpec } from './platform.module';

/**
 * Starts a service: its Kafka consumer (the `@EventPattern` handlers, if any) through the
 * mesh's transport, and its HTTP side on the configured host/port. SIGTERM closes both
 * gracefully: the in-flight batch finishes or is abandoned uncommitted.
 */
export async function bootstrapService(appModule: Type<unknown>, spec: ServiceSpec): Promise<INestApplication> {
  const app = await NestFactory.create(appModule);
  app.enableShutdownHooks();
  const config = app.get(ServiceConfig);
  const transport = new KafkaTransport({
    kafka: app.get(Kafka),
    serde: app.get(AvroSerde),
    groupId: config.KAFKA_GROUP_ID ?? spec.name,
    service: spec.name,
    metrics: app.get(Registry),
    ...spec.consumer,
  });
  const consumer = app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false });
  consumer.useGlobalFilters(new HandlerErrorPassthroughFilter());
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  new Logger(spec.name).log(`listening on http://${config.HOST}:${config.PORT}`);
  return app;
}
