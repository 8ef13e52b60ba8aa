import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { LabRuntime } from './embedded/lab-runtime';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ApiErrorDto } from './http/api-error.dto';
import { serveDashboard } from './http/dashboard.route';
import { UserReadResultDto } from './http/user-read.dto';
import { documentUserReadRoute, registerUserReadRoute } from './http/user-read.route';
import { createValidationPipe } from './http/validation.pipe';

/** Builds the configured application without listening; main.ts and the e2e tests share it. */
export async function createApp(runtime: LabRuntime): Promise<NestFastifyApplication> {
  const { config } = runtime;
  // skipMiddie: the app has no Connect-style middleware (request lines come from the exception
  // filter, see logger.ts), and middie's onRequest hook would run on every request for nothing.
  // routerOptions.compile: find-my-way turns each method's route tree into generated code once the
  // routes are in, same matching, faster lookups among the app's ~40 routes (bench/run.ts).
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, skipMiddie: true, routerOptions: { compile: true } });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  registerUserReadRoute(app);

  const doc = new DocumentBuilder()
    .setTitle('Redis Resilience Lab')
    .setDescription('Read-through user cache over Redis and MySQL/SQLite, with connection state, circuit breaker and chaos tooling.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'CHAOS_TOKEN, for /api/chaos routes' })
    .build();
  SwaggerModule.setup('docs', app, () =>
    documentUserReadRoute(SwaggerModule.createDocument(app, doc, { extraModels: [UserReadResultDto, ApiErrorDto] })),
  );

  await serveDashboard(app);
  return app;
}
