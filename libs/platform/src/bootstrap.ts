import { INestApplication, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AvroSerde } from '@claims-mesh/contracts';
import { HandlerErrorPassthroughFilter, KafkaTransport } from '@claims-mesh/kafka';
import { Logger as PinoLogger } from 'nestjs-pino';
import { Registry } from 'prom-client';
import { assertRoutesGuarded } from './auth/route-access';
import { ServiceConfig } from './config/service-config';
import { consumerProgressCheck } from './health/consumer-progress';
import { KAFKA_CONNECTION } from './kafka/kafka-connection.module';
import { ReadinessChecks } from './health/readiness-checks';
import { useJsonBodies } from './http/json-body';
import { useHttpMetrics } from './metrics/http-metrics';
import { ServiceSpec } from './platform.module';

/**
 * Starts a service: its Kafka consumer (the `@EventPattern` handlers, if any) through the
 * mesh's transport, and its HTTP side on the configured host/port. SIGTERM closes both
 * gracefully: the in-flight batch finishes or is abandoned uncommitted. `setup` adds what is
 * particular to one service (e.g. its OpenAPI page) before it starts listening. Every route
 * must say who may call it (@RequiresScope or @Public()), or the start fails naming it.
 */
export async function bootstrapService(
  appModule: Type<unknown>,
  spec: ServiceSpec,
  setup?: (app: INestApplication) => void,
): Promise<INestApplication> {
  // Logs written while the app is created wait for pino instead of going out as plain text.
  const app = await NestFactory.create(appModule, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  const config = app.get(ServiceConfig);
  useHttpMetrics(app, app.get(Registry));
  useJsonBodies(app, config.MAX_BODY_BYTES);
  setup?.(app);
  // Deny by default: a route that forgot its scope stops the start, before the consumer or the port opens.
  assertRoutesGuarded(app);
  const transport = new KafkaTransport({
    connection: app.get(KAFKA_CONNECTION),
    serde: app.get(AvroSerde),
    commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
    fetchWaitMs: config.KAFKA_FETCH_WAIT_MS,
    fetchMinBytes: config.KAFKA_FETCH_MIN_BYTES,
    instanceId: config.KAFKA_INSTANCE_ID,
    groupId: config.KAFKA_GROUP_ID ?? spec.name,
    service: spec.name,
    metrics: app.get(Registry),
    ...spec.consumer,
  });
  // Registered like a service's own check, after them: a service that took the name fails here, at boot.
  app.get(ReadinessChecks).register(consumerProgressCheck(transport, config.CONSUMER_STALL_SECONDS));
  // Before connecting: the consumer shares the app's config and binds filters when it connects.
  app.useGlobalFilters(new HandlerErrorPassthroughFilter(app.getHttpAdapter()));
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  new Logger(spec.name).log(`listening on http://${config.HOST}:${config.PORT}`);
  return app;
}
