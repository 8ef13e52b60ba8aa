import type { FastifyInstance, FastifyRequest } from 'fastify';

type Done = (err: Error | null, body?: unknown) => void;

/**
 * application/json exactly as Fastify parses it (secure-json-parse, prototype poisoning rejected),
 * except that an empty body is no body. Most HTTP clients send `content-type: application/json`
 * on every request, body or not, and Fastify's own parser answers that with 400
 * FST_ERR_CTP_EMPTY_JSON_BODY, even on routes that take no body (POST /api/redis/reset, cancel).
 * A route that needs a body now fails its own validation instead, naming the missing fields.
 */
export function createJsonBodyParser(fastify: FastifyInstance): (req: FastifyRequest, body: Buffer, done: Done) => void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (req, body, done) => {
    if (body.length === 0) done(null, undefined);
    else void parse(req, body.toString('utf8'), done);
  };
}
