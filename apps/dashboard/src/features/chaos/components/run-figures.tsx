import type { ChaosRun } from '@rrl/contracts';
import { formatDuration, formatMs, formatNumber } from '../../../lib/format';

export function runErrors(run: ChaosRun): string {
  const kinds = Object.entries(run.metrics.readErrorsByKind);
  return kinds.length ? kinds.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** Detect and recover times, reads by source and errors of one run; a Sentinel master switch when there was one. */
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
      {m.failover?.newMaster && (
        <>
          <div>
            <dt>promoted</dt>
            <dd>
              {m.failover.newMaster} (was {m.failover.oldMaster}) in {formatDuration(m.failover.timeToPromotionMs)}
            </dd>
          </div>
          <div>
            <dt>first read from the new master</dt>
            <dd>{formatDuration(m.failover.timeToNewMasterReadMs)} after the promotion</dd>
          </div>
          <div>
            <dt>reads old / db / new master</dt>
            <dd>
              {formatNumber(m.failover.readsByNode.oldMaster)} / {formatNumber(m.failover.readsByNode.database)} /{' '}
              {formatNumber(m.failover.readsByNode.newMaster)}
            </dd>
          </div>
          <div>
            <dt>writes during the switch</dt>
            <dd>{formatNumber(m.failover.writesDuringSwitch.total)}</dd>
          </div>
        </>
      )}
    </dl>
  );
}
