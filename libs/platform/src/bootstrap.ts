import { Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ServiceConfig } from './config/service-config';

/** Starts a service's HTTP side on its configured host/port with graceful shutdown on SIGTERM. */
export async function bootstrapService(appModule: Type<unknown>, name: string): Promise<void> {
  const app = await NestFactory.create(appModule, { bufferLogs: false });
  app.enableShutdownHooks();
  const config = app.get(ServiceConfig);
  await app.listen(config.PORT, config.HOST);
  new Logger(name).log(`listening on http://${config.HOST}:${config.PORT}`);
}
