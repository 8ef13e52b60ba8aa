import type { LoadTestRun } from '@rrl/contracts';
import { ErrorMessage } from '../../../components/error-message';
import { formatDuration, formatMs, formatNumber, formatPercent, formatTime } from '../../../lib/format';
import { useCancelLoadTest } from '../api/loadtest-api';

/** The live progress bar and figures of the current (or last) loop test, straight from the feed. */
export function LoadTestProgressView({ run }: { run: LoadTestRun }) {
  const cancel = useCancelLoadTest();
  const p = run.progress;
  const pct = p.total ? Math.min(100, (p.done / p.total) * 100) : 0;
  const running = run.status === 'running';
  return (
    <div className="card" role="region" aria-labelledby="lt-progress-title">
      <h2 id="lt-progress-title">
        {running ? 'Running' : 'Last loop test'}: {run.status}
      </h2>
      <label htmlFor="lt-progress">
        <span data-testid="loadtest-percent">{pct.toFixed(pct === 100 ? 0 : 1)} %</span> — {formatNumber(p.done)} of {formatNumber(p.total)}{' '}
        iterations
      </label>
      <progress id="lt-progress" max={100} value={pct} />
      <dl className="run-figures">
        <div>
          <dt>rate now / average</dt>
          <dd>
            {formatNumber(p.ratePerSecond)} / {formatNumber(p.averageRatePerSecond)} per s
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd>{running ? formatDuration(p.etaSeconds === null ? null : p.etaSeconds * 1000) : '—'}</dd>
        </div>
        <div>
          <dt>success</dt>
          <dd>
            {formatPercent(p.successRate, 2)} ({formatNumber(p.failed)} failed)
          </dd>
        </div>
        <div>
          <dt>reads redis / db / failed, writes</dt>
          <dd>
            {formatNumber(p.readsBySource.redis)} / {formatNumber(p.readsBySource.mysql)} / {formatNumber(p.readsBySource.none)},{' '}
            {formatNumber(p.writes)}
          </dd>
        </div>
        <div>
          <dt>p50 / p95 / p99</dt>
          <dd>
            {formatMs(p.latency.p50)} / {formatMs(p.latency.p95)} / {formatMs(p.latency.p99)}
          </dd>
        </div>
        <div>
          <dt>Redis outages lived through</dt>
          <dd data-testid="loadtest-outages">
            {p.outages.length
              ? p.outages
                  .map(
                    (o) =>
                      `${formatTime(o.startedAt)} for ${formatDuration(o.durationMs)}${o.timeToRecoverMs !== null ? `, recovered in ${formatDuration(o.timeToRecoverMs)}` : ''}, ${formatNumber(o.readsServedByMysql)} reads from the database`,
                  )
                  .join('; ')
              : 'none'}
          </dd>
        </div>
        {Object.keys(p.errorsByKind).length > 0 && (
          <div>
            <dt>errors</dt>
            <dd>
              {Object.entries(p.errorsByKind)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')}
            </dd>
          </div>
        )}
      </dl>
      {run.error && <p className="error">{run.error}</p>}
      {running && (
        <button type="button" className="danger" onClick={() => cancel.mutate(run.id)} disabled={cancel.isPending}>
          Cancel the loop test
        </button>
      )}
      <ErrorMessage error={cancel.error} context="Cancel" />
    </div>
  );
}
