import { useQuery } from '@tanstack/react-query';
import type { CacheStats, RedisStatus } from '@rrl/contracts';

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Shell for the live dashboard: connection state and cache figures, polled until the socket feed lands. */
export function App() {
  const redis = useQuery({
    queryKey: ['redis', 'status'],
    queryFn: () => getJson<RedisStatus>('/api/redis/status'),
    refetchInterval: 1000,
  });
  const cache = useQuery({ queryKey: ['cache', 'stats'], queryFn: () => getJson<CacheStats>('/api/cache/stats'), refetchInterval: 1000 });
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem', maxWidth: 720 }}>
      <h1>Redis Resilience Lab</h1>
      <section aria-label="redis">
        <h2>Redis connection</h2>
        {redis.data ? (
          <p>
            State <strong data-testid="redis-state">{redis.data.state}</strong> at {redis.data.endpoint}, attempt {redis.data.attempt},{' '}
            {redis.data.stats.successfulReconnects} reconnects
          </p>
        ) : (
          <p>{redis.error ? String(redis.error) : 'Loading…'}</p>
        )}
      </section>
      <section aria-label="cache">
        <h2>Cache</h2>
        {cache.data ? (
          <p>
            Hit rate {(cache.data.hitRate * 100).toFixed(1)}% ({cache.data.hits} hits, {cache.data.misses} misses), breaker{' '}
            <strong data-testid="breaker-state">{cache.data.breaker.state}</strong>
          </p>
        ) : (
          <p>{cache.error ? String(cache.error) : 'Loading…'}</p>
        )}
      </section>
      <p>
        API reference: <a href="/docs">/docs</a>
      </p>
    </main>
  );
}
