/** What a user field holds on the wire, and the TypeScript type each kind stands for. */
interface UserFieldKinds {
  integer: number;
  string: string;
  boolean: boolean;
  /** An ISO-8601 string. */
  'date-time': string;
}

export interface UserFieldSpec {
  kind: keyof UserFieldKinds;
  nullable: boolean;
  example?: number | string | boolean;
}

/**
 * The one description of a user as the API returns it. Derived from it: the UserDto type below,
 * the hot read's Fastify response schema (apps/api/src/http/user-read.schema.ts: fast-json-stringify
 * drops any property its schema lacks, silently) and the OpenAPI model (UserResponseDto in
 * libs/users). The entity and mapper are checked against it by the compiler (toUserDto returns a
 * UserDto), and apps/api/test/user-shape.int.spec.ts fails when any of them disagree. Migrations
 * stay self-contained: they describe the table as it was at their date.
 */
export const USER_FIELDS = {
  id: { kind: 'integer', nullable: false, example: 42 },
  name: { kind: 'string', nullable: false, example: 'Ada Lovelace' },
  email: { kind: 'string', nullable: false, example: 'ada@example.test' },
  company: { kind: 'string', nullable: true, example: 'Analytical Engines Ltd' },
  city: { kind: 'string', nullable: true, example: 'London' },
  country: { kind: 'string', nullable: true, example: 'United Kingdom' },
  active: { kind: 'boolean', nullable: false, example: true },
  createdAt: { kind: 'date-time', nullable: false },
  updatedAt: { kind: 'date-time', nullable: false },
} as const satisfies Record<string, UserFieldSpec>;

type UserFieldValue<F extends UserFieldSpec> = UserFieldKinds[F['kind']] | (F['nullable'] extends true ? null : never);

/** A user as the API returns it: { id: number; name: string; company: string | null; …; createdAt: string } (see USER_FIELDS). */
export type UserDto = { -readonly [K in keyof typeof USER_FIELDS]: UserFieldValue<(typeof USER_FIELDS)[K]> };

export interface CreateUserInput {
  name: string;
  email: string;
  company?: string | null;
  city?: string | null;
  country?: string | null;
  active?: boolean;
}

export type UpdateUserInput = Partial<CreateUserInput>;

export const READ_SOURCES = ['redis', 'mysql'] as const;
/** Where a read was served from. "mysql" means the database, whichever driver runs it. */
export type ReadSource = (typeof READ_SOURCES)[number];

export interface UserReadResult {
  user: UserDto;
  source: ReadSource;
  /** Wall time of the read in milliseconds. */
  durationMs: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** Most users one batch may carry (a seed's INSERT, a cache warm's pipeline): one round trip each, bounded in size. */
export const MAX_USER_BATCH = 10_000;
