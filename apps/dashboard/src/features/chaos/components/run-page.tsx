import { Link, useParams } from 'react-router';
import { ErrorMessage } from '../../../components/error-message';
import { TokenGate } from '../../../components/token-gate';
import { formatTime } from '../../../lib/format';
import { useRun } from '../api/chaos-api';
import { paramsText } from './past-runs';
import { RunFigures } from './run-figures';
import { RunTimeline } from './run-timeline';

/** One chaos run's report at its own address (/chaos/runs/:id), linked from the past runs. */
export function ChaosRunPage() {
  const { id = '' } = useParams();
  return (
    <section aria-labelledby="run-title">
      <p>
        <Link to="/chaos">← Chaos</Link>
      </p>
      <TokenGate purpose="Reading chaos run reports">
        <RunReport id={id} />
      </TokenGate>
    </section>
  );
}

export function RunReport({ id }: { id: string }) {
  const run = useRun(id);
  if (run.error) return <ErrorMessage error={run.error} context={`Run ${id}`} />;
  if (!run.data) return <p>Loading the run…</p>;
  const r = run.data;
  return (
    <>
      <h1 id="run-title">
        {r.scenario} — {r.status}
      </h1>
      <p className="lead">
        Started {formatTime(r.startedAt)}
        {r.endedAt ? `, ended ${formatTime(r.endedAt)}` : ''}. {paramsText(r)}
      </p>
      <div className="card" role="region" aria-label="Run figures">
        <RunFigures run={r} />
      </div>
      <div className="card" role="region" aria-label="Run timeline">
        <RunTimeline events={r.timeline} label={`Timeline of ${r.scenario}`} />
      </div>
    </>
  );
}
