import type { ChaosRun } from '@rrl/contracts';
import { formatDuration, formatMs, formatNumber } from '../../../lib/format';

export function runErrors(run: ChaosRun): string {
  const kinds = Object.entries(run.metrics.readErrorsByKind);
  return kinds.length ? kinds.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** Detect and recover times, reads by source and errors of one run. */
export function RunFigures({ run }: { run: ChaosRun }) {
  const m = run.metrics;
  return (
    <dl className="run-figures">
      <div>
        <dt>time to detect</dt>
        <dd>{formatDuration(m.timeToDetectMs)}</dd>
      </div>
      <div>
        <dt>time to recover</dt>
        <dd>{formatDuration(m.timeToRecoverMs)}</dd>
      </div>
      <div>
        <dt>reads redis / db / failed</dt>
        <dd>
          {formatNumber(m.reads.redis)} / {formatNumber(m.reads.mysql)} / {formatNumber(m.reads.failed)}
        </dd>
      </div>
      <div>
        <dt>p50 / p99</dt>
        <dd>
          {formatMs(m.latencyMs.p50)} / {formatMs(m.latencyMs.p99)}
        </dd>
      </div>
      <div>
        <dt>reconnect attempts</dt>
        <dd>{m.reconnectAttempts}</dd>
      </div>
      <div>
        <dt>errors</dt>
        <dd>{runErrors(run)}</dd>
      </div>
    </dl>
  );
}
