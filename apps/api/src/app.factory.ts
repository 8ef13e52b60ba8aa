import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeScenarios } from '@rrl/chaos';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { LabRuntime } from './embedded/lab-runtime';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ApiErrorDto } from './http/api-error.dto';
import { documentScenarioBodies } from './http/chaos.dto';
import { serveDashboard } from './http/dashboard.route';
import { createJsonBodyParser } from './http/json-body.parser';
import { UserReadResultDto } from './http/user-read.dto';
import { documentUserReadRoute, registerUserReadRoute } from './http/user-read.route';
import { createValidationPipe } from './http/validation.pipe';
import type { LiveOptions } from './live/live.options';
import { PinoLoggerService } from './pino-logger.service';
import { configSecrets } from '@rrl/config';

/** Fastify's default, spelled out because the error for a longer parameter names it. */
const MAX_PARAM_LENGTH = 100;

/** Builds the configured application without listening; main.ts and the e2e tests share it. */
export async function createApp(runtime: LabRuntime, options: { live?: Partial<LiveOptions> } = {}): Promise<NestFastifyApplication> {
  const { config } = runtime;
  // skipMiddie: the app has no Connect-style middleware (request lines come from the exception
  // filter, see logger.ts), and middie's onRequest hook would run on every request for nothing.
  // routerOptions.compile: find-my-way turns each method's route tree into generated code once the
  // routes are in, same matching, faster lookups among the app's ~40 routes (bench/run.ts).
  const filter = new ApiExceptionFilter({
    bodyLimitBytes: config.bodyLimitBytes,
    maxParamLength: MAX_PARAM_LENGTH,
    secrets: configSecrets(config),
  });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    skipMiddie: true,
    routerOptions: { compile: true, maxParamLength: MAX_PARAM_LENGTH },
    // The router's own rejections (malformed URL, over-long parameter) happen before any route or
    // hook, so Nest's exception layer never sees them: hand them to the same filter. (This replaces
    // the adapter's default, whose only other job is Nest's security-headers hook, which this app
    // does not enable.)
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => filter.respond(error, request, reply),
  });
  // bodyParser: false drops Nest's default form parser (application/x-www-form-urlencoded): a plain
  // HTML form on another site could otherwise post to the API. JSON is registered below, alone.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(runtime, options.live), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, createJsonBodyParser(fastify));
  // Every body this API reads is JSON: a text/plain body (what a cross-site form can also send) would
  // reach the validation pipe as a bare string; without Fastify's text parser it is a clear 415. Fastify
  // runs the parser whenever a Content-Type is sent, even on an empty body, so a body-less form POST
  // is a 415 too; one without any Content-Type cannot come from a form, and reaches only routes that
  // need a body (their validation answers) or the operator token (a header no cross-site page can set).
  fastify.removeContentTypeParser('text/plain');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(filter);
  app.enableShutdownHooks();
  // The gateway reads frames itself (live/client-message.parser.ts answers bad ones): the adapter's parser skips them.
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  registerUserReadRoute(app, filter);

  const doc = new DocumentBuilder()
    .setTitle('Redis Resilience Lab')
    .setDescription('Read-through user cache over Redis and MySQL/SQLite, with connection state, circuit breaker and chaos tooling.')
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'CHAOS_TOKEN, for the operator routes: /api/chaos, /api/loadtests, cache warm and flush, Redis reset',
    })
    .build();
  const scenarios = describeScenarios({ maxDurationMs: config.chaos.maxDurationMs });
  SwaggerModule.setup('docs', app, () =>
    documentScenarioBodies(
      documentUserReadRoute(SwaggerModule.createDocument(app, doc, { extraModels: [UserReadResultDto, ApiErrorDto] })),
      scenarios,
    ),
  );

  // A server path that fell through to the SPA's wildcard: a parameter over the router's limit would
  // have been FST_ERR_MAX_PARAM_LENGTH without the wildcard, so it gets the same 400; otherwise a 404.
  await serveDashboard(app, (req, reply) =>
    req.url
      .split('?')[0]
      .split('/')
      .some((segment) => segment.length > MAX_PARAM_LENGTH)
      ? filter.respond(Object.assign(new Error('parameter too long'), { code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414 }), req, reply)
      : reply.callNotFound(),
  );
  return app;
}
