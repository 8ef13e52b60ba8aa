import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { ErrorMessage } from '../../../components/error-message';
import { TokenGate } from '../../../components/token-gate';
import { formatNumber } from '../../../lib/format';
import { flushCache, warmCache, type WarmProgress } from '../api/users-api';

/** Warm every user into Redis (with progress) or flush the cache's keys: operator routes, behind the token. */
export function CacheTools() {
  return (
    <TokenGate purpose="Warming or flushing the cache">
      <CacheActions />
    </TokenGate>
  );
}

function CacheActions() {
  const [progress, setProgress] = useState<WarmProgress | null>(null);
  const warm = useMutation({ mutationFn: () => warmCache(setProgress) });
  const flush = useMutation({ mutationFn: flushCache });
  const pct = progress && progress.total ? Math.min(100, (progress.warmed / progress.total) * 100) : 0;
  return (
    <div className="card" role="region" aria-labelledby="cache-title">
      <h2 id="cache-title">Cache</h2>
      <div className="actions">
        <button type="button" onClick={() => warm.mutate()} disabled={warm.isPending}>
          Warm the cache
        </button>
        <button type="button" className="secondary" onClick={() => flush.mutate()} disabled={flush.isPending}>
          {flush.isPending ? 'Flushing…' : 'Flush the cache'}
        </button>
      </div>
      {progress && (
        <div>
          <label htmlFor="warm-progress">
            {progress.done ? 'Warmed' : 'Warming'}: {formatNumber(progress.warmed)} of {formatNumber(progress.total)} users
          </label>
          <progress id="warm-progress" max={100} value={pct} />
        </div>
      )}
      {flush.data && <p role="status">Flushed: {formatNumber(flush.data.deleted)} keys deleted. The next reads come from the database.</p>}
      <ErrorMessage error={warm.error} context="Warm" />
      <ErrorMessage error={flush.error} context="Flush" />
    </div>
  );
}
