import type { ApiErrorBody } from '@rrl/contracts';
import { getChaosToken, setChaosToken } from './chaos-token';

/** A failed API call, carrying the API's own message (and per-field problems) to show where it happened. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ApiErrorBody['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Chaos token, sent as a bearer token (never in the URL). */
  token?: string | null;
  signal?: AbortSignal;
}

/** fetch + JSON with the API's error body turned into an ApiError; a network failure says the API is unreachable. */
export async function apiRequest<T>(path: string, { method = 'GET', body, token, signal }: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, 'NETWORK', `The API cannot be reached (${method} ${path}): is it running?`);
  }
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (parsed ?? {}) as Partial<ApiErrorBody>;
    const details = err.details?.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ');
    const message = err.message ?? `${method} ${path} answered HTTP ${res.status}`;
    throw new ApiError(
      res.status,
      err.code ?? `HTTP_${res.status}`,
      details && !message.includes(details) ? `${message} (${details})` : message,
      err.details,
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}

/**
 * An operator route (chaos, loop tests, cache warm/flush, Redis reset): the session's chaos token goes
 * along; a 401 means it is wrong, so it is forgotten and the page asks again.
 */
export async function operatorRequest<T>(path: string, options: Omit<RequestOptions, 'token'> = {}): Promise<T> {
  try {
    return await apiRequest<T>(path, { ...options, token: getChaosToken() });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) setChaosToken(null);
    throw e;
  }
}
