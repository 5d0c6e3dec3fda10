// Imported first by main.ts: tracing must patch http and kafka clients before they load.
import { startTelemetry } from '@claims-mesh/telemetry';

startTelemetry({ serviceName: 'rollout-controller', serviceVersion: process.env.SERVICE_VERSION });
