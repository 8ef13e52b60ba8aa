import { useQuery } from '@tanstack/react-query';
import type { BreakerState, RedisConnectionState } from '@rrl/contracts';
import { connectionQuery } from '../live/live-queries';
import { formatDuration } from '../lib/format';
import { Badge, type Tone } from './badge';
import { useNow } from './use-now';

const REDIS_TONE: Record<RedisConnectionState, Tone> = {
  ready: 'good',
  connecting: 'warn',
  reconnecting: 'bad',
  'auth-failed': 'bad',
  idle: 'neutral',
  stopped: 'neutral',
};
const BREAKER_TONE: Record<BreakerState, Tone> = { closed: 'good', 'half-open': 'warn', open: 'bad', isolated: 'bad' };

export function redisTone(state: RedisConnectionState): Tone {
  return REDIS_TONE[state];
}

function since(iso: string | null, now: number): string {
  return iso ? formatDuration(Math.max(0, now - Date.parse(iso))) : '—';
}

/**
 * Redis connection and circuit breaker state, with how long each has been so (uptime, or the
 * outage so far). Text first: "Redis: reconnecting for 12 s".
 */
export function StateBadges({ large = false }: { large?: boolean }) {
  const { data } = useQuery(connectionQuery);
  const now = useNow();
  if (!data) return <div className="state-badges">Waiting for the live feed…</div>;
  const { redis, breaker } = data;
  const redisFor = since(redis.since, now);
  const breakerFor = since(breaker.since, now);
  return (
    <div className={large ? 'state-badges state-badges-large' : 'state-badges'}>
      <Badge tone={REDIS_TONE[redis.state]} label={`Redis ${redis.state} for ${redisFor}`} testId="redis-badge">
        Redis: <strong data-testid="redis-state">{redis.state}</strong>
        <span className="badge-since"> for {redisFor}</span>
      </Badge>
      <Badge tone={BREAKER_TONE[breaker.state]} label={`Circuit breaker ${breaker.state} for ${breakerFor}`} testId="breaker-badge">
        Breaker: <strong data-testid="breaker-state">{breaker.state}</strong>
        <span className="badge-since"> for {breakerFor}</span>
      </Badge>
    </div>
  );
}
