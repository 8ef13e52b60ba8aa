import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** GET /metrics and /api/metrics/snapshot. `imports`: the app's cache and chaos module objects (shared by reference). */
@Module({})
export class MetricsModule {
  static forRoot(imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return { module: MetricsModule, imports, controllers: [MetricsController], providers: [MetricsService], exports: [MetricsService] };
  }
}
