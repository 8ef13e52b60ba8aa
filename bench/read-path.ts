/**
 * One contract for every read path the benches drive, the lab's and its peers': `get(id)` answers the
 * user and where it came from (the shape of UserCacheService.get), `update` writes the database and
 * then whatever the path does to its cache. The fault matrix's readers and writers only see this.
 */
import type { UpdateUserInput, UserDto } from '@rrl/contracts';
import type { UserCacheService } from '@rrl/cache';

/** "memory": an in-process L1 tier answered, not Redis. */
export type PathSource = 'redis' | 'mysql' | 'memory';

export interface PathRead {
  user: UserDto | null;
  source: PathSource;
}

export interface ReadPath {
  /** Row label. */
  readonly name: string;
  /** Library, version and the options that matter, for the tables. */
  readonly description: string;
  get(id: number): Promise<PathRead>;
  /** Database first, then the path's own cache handling (write-through, or the invalidation its docs show). */
  update(id: number, input: UpdateUserInput): Promise<UserDto>;
  /** Drops this path's cached users (its own keys only), so every run starts from the same warm-up. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** The lab's read path, called in-process: UserCacheService as the API serves it. */
export function labPath(cache: UserCacheService, description: string): ReadPath {
  return {
    name: 'lab',
    description,
    get: (id) => cache.get(id),
    update: (id, input) => cache.update(id, input),
    clear: async () => void (await cache.clear()),
    close: () => Promise.resolve(),
  };
}

/** An HTTP error answer, carrying the API's error code. */
export class HttpPathError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`${status} ${code}`.trim());
  }
}

/** The lab over HTTP (GET/PATCH /api/users/:id): what the fault matrix measured before peers existed. */
export function labHttpPath(base: string, token: string): ReadPath {
  const call = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + p, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : undefined) as T & { code?: string };
    if (res.status >= 300) throw new HttpPathError(res.status, parsed?.code ?? '');
    return parsed;
  };
  return {
    name: 'lab (HTTP)',
    description: 'GET/PATCH /api/users/:id',
    get: (id) => call<PathRead>('GET', `/api/users/${id}`),
    update: (id, input) => call<UserDto>('PATCH', `/api/users/${id}`, input),
    clear: () => call<unknown>('DELETE', '/api/cache').then(() => undefined),
    close: () => Promise.resolve(),
  };
}
