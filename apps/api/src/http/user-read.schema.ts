import { READ_SOURCES, USER_FIELDS, type UserFieldSpec } from '@rrl/contracts';

/** A field as JSON Schema (draft 7, as Fastify reads it): null is a second type, not OpenAPI's `nullable`. */
function jsonSchemaOf(field: UserFieldSpec): { type: string | string[] } {
  // No `format: date-time`: the value is already an ISO string, and the plain string serialiser is the cheaper one.
  const type = field.kind === 'date-time' ? 'string' : field.kind;
  return { type: field.nullable ? [type, 'null'] : type };
}

const fields = Object.entries(USER_FIELDS) as [string, UserFieldSpec][];

/** contracts' USER_FIELDS as JSON Schema; a nullable field may also be absent. */
export const USER_JSON_SCHEMA = {
  type: 'object',
  required: fields.filter(([, f]) => !f.nullable).map(([name]) => name),
  properties: Object.fromEntries(fields.map(([name, f]) => [name, jsonSchemaOf(f)])),
};

/**
 * Fastify response schema for a user read: Fastify compiles it with fast-json-stringify, which
 * serialises this fixed shape several times faster than JSON.stringify. It is the hot path's
 * biggest single cost after the Redis round trip (see bench/run.ts). fast-json-stringify leaves out
 * whatever the schema does not name, which is why the user part is derived from USER_FIELDS.
 */
export const USER_READ_RESPONSE_SCHEMA = {
  response: {
    200: {
      type: 'object',
      required: ['user', 'source', 'durationMs'],
      properties: {
        user: USER_JSON_SCHEMA,
        source: { type: 'string', enum: [...READ_SOURCES] },
        durationMs: { type: 'number' },
      },
    },
  },
};
