import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ServiceConfig } from '../config/service-config';
import { SERVICE_NAME } from '../service-name';
import { pinoHttpOptions } from './pino-options';

/**
 * Structured JSON logs through pino for the service: bootstrapService makes it the Nest logger,
 * so every `new Logger(...)` call in a service and the Kafka transport writes through it.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [SERVICE_NAME, ServiceConfig],
      useFactory: (service: string, config: ServiceConfig) => ({ pinoHttp: pinoHttpOptions(service, config.LOG_LEVEL) }),
    }),
  ],
})
export class LoggingModule {}
