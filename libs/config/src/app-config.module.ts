import { DynamicModule, Inject, Module } from '@nestjs/common';
import type { AppConfig } from './config.schema';
import { loadConfig, type LoadConfigOptions } from './load-config';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const InjectAppConfig = (): ParameterDecorator => Inject(APP_CONFIG);

/**
 * Validates the configuration once, at import time of the root module, and provides it
 * typed under APP_CONFIG.
 */
@Module({})
export class AppConfigModule {
  static forRoot(options: LoadConfigOptions | { config: AppConfig } = {}): DynamicModule {
    const config = 'config' in options ? options.config : loadConfig(options);
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
