import { useQuery } from '@tanstack/react-query';
import { chaosCurrentQuery } from '../../../live/live-queries';
import { ErrorMessage } from '../../../components/error-message';
import { useNow } from '../../../components/use-now';
import { formatDuration } from '../../../lib/format';
import { useCancelRun } from '../api/chaos-api';
import { RunTimeline } from './run-timeline';
import { RunFigures } from './run-figures';

/** The run in progress, live from the feed, with the big stop button; the last run once it ended. */
export function RunningRun() {
  const { data: run } = useQuery(chaosCurrentQuery);
  const cancel = useCancelRun();
  const now = useNow();
  if (!run) return <p>No scenario has run since the page opened. Start one above.</p>;
  const running = run.status === 'running';
  return (
    <div className={running ? 'card run-live running' : 'card run-live'} role="region" aria-labelledby="run-title" aria-live="polite">
      <h2 id="run-title">
        {running ? 'Running' : 'Last run'}: {run.scenario} on {run.targets.join(', ')}
      </h2>
      <p data-testid="run-status">
        Status <strong>{run.status}</strong>, phase {run.phase},{' '}
        {running
          ? `for ${formatDuration(Math.max(0, now - Date.parse(run.startedAt)))}`
          : `took ${formatDuration(Date.parse(run.endedAt ?? run.startedAt) - Date.parse(run.startedAt))}`}
        {run.error ? ` — ${run.error}` : ''}
      </p>
      {running && (
        <button
          type="button"
          className="stop-button"
          onClick={() => cancel.mutate(run.id)}
          disabled={cancel.isPending}
          aria-describedby="stop-help"
        >
          {cancel.isPending ? 'Stopping and restoring…' : 'STOP'}
        </button>
      )}
      {running && (
        <p id="stop-help" className="help">
          Cancels the scenario and restores the target now.
        </p>
      )}
      <ErrorMessage error={cancel.error} context="Stop" />
      <RunFigures run={run} />
      <RunTimeline events={run.timeline} label={`Timeline of ${run.scenario}`} />
    </div>
  );
}
