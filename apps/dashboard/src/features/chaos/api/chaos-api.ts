import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChaosRun, ChaosTargetsResponse, ScenarioInfo } from '@rrl/contracts';
import { ApiError, apiRequest } from '../../../lib/api-client';
import { setChaosToken, useChaosToken } from '../../../lib/chaos-token';
import { liveKeys } from '../../../live/live-queries';

/** A 401 means the token kept for this session is wrong: forget it so the page asks again. */
async function withToken<T>(token: string | null, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  try {
    return await apiRequest<T>(path, { ...init, token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) setChaosToken(null);
    throw e;
  }
}

export const targetsQuery = (token: string | null) =>
  queryOptions({
    queryKey: ['chaos', 'targets', token ? 'with-token' : 'none'],
    queryFn: () => withToken<ChaosTargetsResponse>(token, '/api/chaos/targets'),
    enabled: !!token,
    refetchInterval: 5000,
  });

export const scenariosQuery = (token: string | null) =>
  queryOptions({
    queryKey: ['chaos', 'scenarios', token ? 'with-token' : 'none'],
    queryFn: () => withToken<ScenarioInfo[]>(token, '/api/chaos/scenarios'),
    enabled: !!token,
    staleTime: Infinity,
  });

/** The past runs: fetched once, refetched when the feed says a run started or ended (no polling). */
export const runsQuery = (token: string | null) =>
  queryOptions({
    queryKey: [...liveKeys.chaosRuns, token ? 'with-token' : 'none'],
    queryFn: () => withToken<ChaosRun[]>(token, '/api/chaos/runs'),
    enabled: !!token,
    staleTime: Infinity,
  });

/** One run's report, for its own page (a link to share, or to attach to a postmortem). */
export const runQuery = (token: string | null, id: string) =>
  queryOptions({
    queryKey: [...liveKeys.chaosRuns, 'one', id, token ? 'with-token' : 'none'],
    queryFn: () => withToken<ChaosRun>(token, `/api/chaos/runs/${encodeURIComponent(id)}`),
    enabled: !!token,
    // A running run's report still grows: the feed's "ended" invalidates chaosRuns, this included.
    staleTime: Infinity,
  });

export function useRun(id: string) {
  return useQuery(runQuery(useChaosToken(), id));
}

export function useTargets() {
  return useQuery(targetsQuery(useChaosToken()));
}
export function useScenarios() {
  return useQuery(scenariosQuery(useChaosToken()));
}
export function useRuns() {
  return useQuery(runsQuery(useChaosToken()));
}

export function useStartScenario() {
  const token = useChaosToken();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, params }: { name: string; params: Record<string, unknown> }) =>
      withToken<ChaosRun>(token, `/api/chaos/scenarios/${encodeURIComponent(name)}`, { method: 'POST', body: params }),
    // The feed announces the run too; this makes the page right even before its first message.
    onSuccess: (run) => qc.setQueryData(liveKeys.chaosCurrent, run),
  });
}

export function useCancelRun() {
  const token = useChaosToken();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => withToken<ChaosRun>(token, `/api/chaos/runs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
    onSuccess: (run) => {
      qc.setQueryData(liveKeys.chaosCurrent, run);
      void qc.invalidateQueries({ queryKey: liveKeys.chaosRuns });
    },
  });
}
