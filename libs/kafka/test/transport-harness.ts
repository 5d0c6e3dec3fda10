import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestMicroservice } from '@nestjs/common';
import { AvroSerde } from '@claims-mesh/contracts';
import { HandlerErrorPassthroughFilter, KafkaTransport, KafkaTransportOptions } from '@claims-mesh/kafka';
import { stack } from '@claims-mesh/testing';
import { Registry } from 'prom-client';

export interface RunningConsumer {
  app: INestMicroservice;
  transport: KafkaTransport;
  metrics: Registry;
  metricValue(name: string, labels?: Record<string, string>): Promise<number>;
}

/** Runs `controller`'s @EventPattern handlers through the real transport, in this process. */
export async function runConsumer(
  controller: Type<unknown>,
  serde: AvroSerde,
  options: Partial<KafkaTransportOptions> & { groupId: string },
): Promise<RunningConsumer> {
  @Module({ controllers: [controller] })
  class ConsumerTestModule {}

  const metrics = new Registry();
  const transport = new KafkaTransport({
    connection: { clientId: 'it-transport', brokers: stack.kafkaBrokers },
    serde,
    service: 'it-service',
    metrics,
    backoff: { initialMs: 20, maxMs: 200, multiplier: 2 },
    sessionTimeoutMs: 10_000,
    ...options,
  });
  const app = await NestFactory.createMicroservice(ConsumerTestModule, { strategy: transport, logger: false });
  app.useGlobalFilters(new HandlerErrorPassthroughFilter());
  await app.listen();
  await transport.whenStarted();
  return {
    app,
    transport,
    metrics,
    async metricValue(name, labels = {}) {
      const metric = await metrics.getSingleMetric(name)?.get();
      return (metric?.values ?? [])
        .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
        .reduce((sum, v) => sum + v.value, 0);
    },
  };
}
