import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoadTestRequest, LoadTestRun } from '@rrl/contracts';
import { operatorRequest } from '../../../lib/api-client';
import { liveKeys } from '../../../live/live-queries';

/** Past and running loop tests: fetched once, refetched when the feed says one ended. */
export const loadtestsQuery = queryOptions({
  queryKey: liveKeys.loadtests,
  queryFn: () => operatorRequest<LoadTestRun[]>('/api/loadtests'),
  staleTime: Infinity,
});

export function useLoadTests() {
  return useQuery(loadtestsQuery);
}

export function useStartLoadTest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (request: LoadTestRequest) => operatorRequest<LoadTestRun>('/api/loadtests', { method: 'POST', body: request }),
    onSuccess: (run) => qc.setQueryData(liveKeys.loadtestCurrent, run),
  });
}

export function useCancelLoadTest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => operatorRequest<LoadTestRun>(`/api/loadtests/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
    onSuccess: (run) => {
      if (run) qc.setQueryData(liveKeys.loadtestCurrent, run);
      void qc.invalidateQueries({ queryKey: liveKeys.loadtests });
    },
  });
}
