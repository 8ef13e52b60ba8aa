import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

/** Expects RedisModule and UsersModule to be registered (both global) by the app. */
@Module({})
export class HealthModule {
  /** gracefulShutdownMs: on SIGTERM keep serving that long (readiness keeps answering) so a load balancer can drain. */
  static forRoot(options: { gracefulShutdownMs: number }): DynamicModule {
    return {
      module: HealthModule,
      // logger: false: the API's exception filter logs a failed readiness as one warn line with the
      // failing checks; terminus's own logger would add an error-level line per probe.
      imports: [TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: options.gracefulShutdownMs })],
      controllers: [HealthController],
      providers: [DatabaseHealthIndicator, RedisHealthIndicator],
    };
  }
}
