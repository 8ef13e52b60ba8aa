import { queryOptions, useQuery } from '@tanstack/react-query';
import { API_LOG_TARGET, type ChaosTargetsResponse } from '@rrl/contracts';
import { apiRequest } from '../../../lib/api-client';
import { useChaosToken } from '../../../lib/chaos-token';

/**
 * What can be tailed: the API itself and every chaos target. From the REST list (with the token):
 * the feed's `hello` names targets only to a socket that authenticated when it connected, and this
 * page's socket sends the token in its subscribe message instead.
 */
export const logTargetsQuery = (token: string | null) =>
  queryOptions({
    queryKey: ['logs', 'targets', token ? 'with-token' : 'none'],
    queryFn: async () => {
      const { targets } = await apiRequest<ChaosTargetsResponse>('/api/chaos/targets', { token });
      return [API_LOG_TARGET, ...targets.map((t) => t.id)];
    },
    enabled: !!token,
    staleTime: 30_000,
  });

export function useLogTargets() {
  return useQuery(logTargetsQuery(useChaosToken()));
}
