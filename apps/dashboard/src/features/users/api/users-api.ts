import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ClearResult, CreateUserInput, Page, UpdateUserInput, UserDto, UserReadResult, WarmResult } from '@rrl/contracts';
import { apiRequest, operatorRequest } from '../../../lib/api-client';

export interface Lookup {
  query: string;
  result: UserReadResult;
  /** Browser round trip, ms (the API's durationMs is the read itself). */
  roundTripMs: number;
  at: number;
}

/** By id when the query is a number, by email otherwise; a read goes through the cache like any client's. */
export async function lookupUser(query: string): Promise<Lookup> {
  const q = query.trim();
  const started = performance.now();
  const result = /^\d+$/.test(q)
    ? await apiRequest<UserReadResult>(`/api/users/${q}`)
    : await apiRequest<UserReadResult>(`/api/users/by-email?email=${encodeURIComponent(q)}`);
  return { query: q, result, roundTripMs: performance.now() - started, at: Date.now() };
}

export const createUser = (input: CreateUserInput) => apiRequest<UserDto>('/api/users', { method: 'POST', body: input });
export const updateUser = (id: number, input: UpdateUserInput) => apiRequest<UserDto>(`/api/users/${id}`, { method: 'PATCH', body: input });
export const deleteUser = (id: number) => apiRequest<void>(`/api/users/${id}`, { method: 'DELETE' });
export const countUsers = async () => (await apiRequest<Page<UserDto>>('/api/users?pageSize=1')).total;
export const flushCache = () => operatorRequest<ClearResult>('/api/cache', { method: 'DELETE' });

export interface WarmProgress {
  warmed: number;
  total: number;
  done: boolean;
}

/**
 * Ids per POST /api/cache/warm call, in pipelined batches of WARM_BATCH: small enough to report
 * progress a few times a second, and to keep each pipeline well inside the API's 500 ms Redis
 * command timeout on a busy machine (a 1 000-key batch missed it on a cold 2-core run).
 */
const WARM_CHUNK = 500;
const WARM_BATCH = 250;

/**
 * Warms the whole cache in id ranges, one POST per range, so the page can show progress (the API's
 * warm call answers once at the end). Stops once every user counted at the start was loaded, or
 * after a run of empty ranges past the last id.
 */
export async function warmCache(onProgress: (p: WarmProgress) => void, signal?: AbortSignal): Promise<WarmProgress> {
  const total = await countUsers();
  let warmed = 0;
  let emptyRanges = 0;
  for (let fromId = 1; warmed < total && emptyRanges < 5 && !signal?.aborted; fromId += WARM_CHUNK) {
    const r = await operatorRequest<WarmResult>('/api/cache/warm', {
      method: 'POST',
      body: { fromId, toId: fromId + WARM_CHUNK - 1, batchSize: WARM_BATCH },
      signal,
    });
    warmed += r.warmed;
    emptyRanges = r.warmed === 0 ? emptyRanges + 1 : 0;
    onProgress({ warmed, total, done: false });
  }
  const final = { warmed, total, done: true };
  onProgress(final);
  return final;
}

export function useLookup() {
  return useMutation({ mutationFn: lookupUser });
}

export function useSaveUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: number | null; input: CreateUserInput }) => (id === null ? createUser(input) : updateUser(id, input)),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useDeleteUser() {
  return useMutation({ mutationFn: deleteUser });
}
