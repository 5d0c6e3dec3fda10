import { join } from 'node:path';
import { localStackCache } from '@claims-mesh/triton';

/** Where the local stack listens; the same variables the services read. */
export const stack = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  jaegerQueryUrl: process.env.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
  otlpHttpUrl: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
  /** gRPC host:port of each Triton shard. */
  tritonShards: (process.env.TRITON_SHARDS ?? '127.0.0.1:8001,127.0.0.1:8101').split(','),
};

/** The local stack's install cache (STACK_CACHE, defaulting as infra/local/lib.sh does): venvs, the TLS CA, Kafka's jars. */
export const STACK_CACHE = localStackCache();

/** A java classpath of the stack's Kafka jars, for Kafka's own tools (ConfigCommand, JmxTool). */
export const KAFKA_TOOLS_CLASSPATH = join(STACK_CACHE, 'kafka', 'libs', '*');

/** A port on loopback where nothing listens, to stand for a dead server. */
export const DEAD_PORT = 1;

