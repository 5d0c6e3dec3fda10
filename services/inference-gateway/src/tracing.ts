// Imported first by main.ts: tracing must patch http, express, grpc and ioredis before they load.
import { startTelemetry } from '@claims-mesh/telemetry';

startTelemetry({ serviceName: 'inference-gateway', serviceVersion: process.env.SERVICE_VERSION });
