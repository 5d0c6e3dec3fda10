import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigClass, ServiceConfig, validateConfig } from './service-config';

/**
 * Makes the service's validated config injectable as `ServiceConfig` (and as its own
 * subclass). Validation runs once, at module creation, so a bad value stops the start.
 */
@Global()
@Module({})
export class ServiceConfigModule {
  static forRoot<T extends ServiceConfig>(
    cls: ConfigClass<T>,
    defaults: Partial<Record<keyof T, unknown>>,
    env: Record<string, unknown> = process.env,
  ): DynamicModule {
    const config = validateConfig(cls, defaults, env);
    const providers = [{ provide: ServiceConfig, useValue: config }];
    if ((cls as unknown) !== ServiceConfig) providers.push({ provide: cls, useValue: config });
    return { module: ServiceConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
