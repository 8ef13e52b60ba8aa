import { useQuery } from '@tanstack/react-query';
import type { RedisStateEvent } from '@rrl/contracts';
import { redisEventsQuery } from '../../../live/live-queries';

/**
 * The reconnect attempts of the outage in progress (or the last one), each with its backoff delay.
 * An outage starts when the connection leaves "ready"; the first connect at boot is not one.
 */
export function outageAttempts(events: RedisStateEvent[]): { attempts: RedisStateEvent[]; ongoing: boolean } {
  const start = events.findLastIndex((e) => e.from === 'ready');
  if (start < 0) return { attempts: [], ongoing: false };
  const outage = events.slice(start);
  return {
    attempts: outage.filter((e) => e.to === 'reconnecting' || e.to === 'auth-failed'),
    ongoing: outage[outage.length - 1].to !== 'ready',
  };
}

export function useReconnectAttempts(): { attempts: RedisStateEvent[]; ongoing: boolean } {
  const { data: events = [] } = useQuery(redisEventsQuery);
  return outageAttempts(events);
}
