import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getSchemaPath, type OpenAPIObject, type OperationObject } from '@nestjs/swagger';
import { UserCacheService } from '@rrl/cache';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorDto, ERROR_DESCRIPTIONS } from './api-error.dto';
import type { ApiExceptionFilter } from './api-exception.filter';
import { parseIdParam } from './id-param.pipe';
import { UserReadResultDto } from './user-read.dto';

export const USER_READ_PATH = '/api/users/:id';

/**
 * GET /api/users/:id, the hot read, as a plain Fastify route on the Nest app's own Fastify
 * instance rather than a controller method. Written by hand for speed: Nest's router (execution
 * context, parameter extraction, response handling: several promise layers per request) costs
 * 5–10 % of a cache hit over HTTP, and the target is 0.90 of a bare Fastify route (bench/run.ts
 * prints both). Nothing the client sees changes:
 * - errors go straight to the global ApiExceptionFilter, so a bad id, an unknown user or both
 *   stores down get the same JSON body and log line as any route;
 * - Nest's global Fastify hooks (the 503 while shutting down among them) run as for every route;
 * - the same id check (parseIdParam), body shape (USER_READ_RESPONSE_SCHEMA documents it) and
 *   x-cache-source header;
 * - an empty id is not-found, as Nest answers it for its own parameterised routes.
 * The body is written here around the user's JSON from UserCacheService.getJson(): on a hit that is
 * the text Redis returned, so the user is neither parsed nor serialised again (together a third of
 * the process's allocations per request, and more CPU than the rest of the cache layer). The reply
 * is sent from the read's own then(), not returned, which saves Fastify's promise wrapper.
 * What it gives up: guards, interceptors and pipes (the route has none) and decorator-made
 * OpenAPI, which is why USER_READ_OPERATION below documents it.
 */
export function registerUserReadRoute(app: NestFastifyApplication, filter: ApiExceptionFilter): void {
  const cache = app.get(UserCacheService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get<{ Params: { id: string } }>(
    USER_READ_PATH,
    { errorHandler: (error, request, reply) => filter.respond(error, request, reply) },
    (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      if (req.params.id === '') return reply.callNotFound();
      cache.getJson(parseIdParam(req.params.id)).then(
        ({ userJson, source, durationMs }) =>
          reply
            .header('x-cache-source', source)
            .type(JSON_CONTENT_TYPE)
            .send(`{"user":${userJson},"source":"${source}","durationMs":${durationMs}}`),
        (error: unknown) => reply.send(error instanceof Error ? error : new Error(String(error))),
      );
    },
  );
}

/** As Fastify labels the JSON it serialises; a string body with it is sent as it is. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const errorResponse = (status: 400 | 404 | 503) => ({
  description: ERROR_DESCRIPTIONS[status],
  content: { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorDto) } } },
});

/** The route's OpenAPI operation, in the shape the controllers' decorators produce. */
export const USER_READ_OPERATION: OperationObject = {
  operationId: 'UsersController_get',
  tags: ['users'],
  summary: 'Read one user, Redis first with database fallback; says where it came from and how long it took',
  parameters: [{ name: 'id', in: 'path', required: true, description: 'User id, a positive integer', schema: { type: 'integer' } }],
  responses: {
    200: {
      description: 'The user, where it came from ("redis" or "mysql") and how long the read took; also in the x-cache-source header',
      headers: { 'x-cache-source': { description: 'redis or mysql', schema: { type: 'string' } } },
      content: { 'application/json': { schema: { $ref: getSchemaPath(UserReadResultDto) } } },
    },
    400: errorResponse(400),
    404: errorResponse(404),
    503: errorResponse(503),
  },
};

/** Adds the route to a document built by SwaggerModule (with UserReadResultDto and ApiErrorDto as extra models). */
export function documentUserReadRoute(document: OpenAPIObject): OpenAPIObject {
  const path = USER_READ_PATH.replace(':id', '{id}');
  document.paths[path] = { ...document.paths[path], get: USER_READ_OPERATION };
  return document;
}
