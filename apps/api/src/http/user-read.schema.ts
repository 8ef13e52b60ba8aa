import { READ_SOURCES } from '@rrl/contracts';

const nullableString = { type: ['string', 'null'] } as const;

/**
 * Fastify response schema for a user read: Fastify compiles it with fast-json-stringify, which
 * serialises this fixed shape several times faster than JSON.stringify. It is the hot path's
 * biggest single cost after the Redis round trip (see bench/run.ts).
 */
export const USER_READ_RESPONSE_SCHEMA = {
  response: {
    200: {
      type: 'object',
      required: ['user', 'source', 'durationMs'],
      properties: {
        user: {
          type: 'object',
          required: ['id', 'name', 'email', 'active', 'createdAt', 'updatedAt'],
          properties: {
            id: { type: 'integer' },
            name: { type: 'string' },
            email: { type: 'string' },
            company: nullableString,
            city: nullableString,
            country: nullableString,
            active: { type: 'boolean' },
            createdAt: { type: 'string' },
            updatedAt: { type: 'string' },
          },
        },
        source: { type: 'string', enum: [...READ_SOURCES] },
        durationMs: { type: 'number' },
      },
    },
  },
};
