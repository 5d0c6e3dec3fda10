export * from './start-telemetry';
export * from './otlp-http-span-exporter';
export * from './otlp-span-encoder';
