import { useQuery } from '@tanstack/react-query';
import { ErrorMessage } from '../../../components/error-message';
import { TokenGate } from '../../../components/token-gate';
import { MetricCharts } from '../../../components/metric-charts';
import { loadtestCurrentQuery } from '../../../live/live-queries';
import { useLive } from '../../../live/use-live-updates';
import { useLoadTests } from '../api/loadtest-api';
import { LoadTestForm } from './loadtest-form';
import { LoadTestHistory } from './loadtest-history';
import { LoadTestProgressView } from './loadtest-progress';

export function LoadTestPage() {
  return (
    <section aria-labelledby="loadtest-title">
      <h1 id="loadtest-title">Loop test</h1>
      <p className="lead">
        Many reads and writes through the same cache the HTTP routes use. Break Redis while it runs (Chaos page): it keeps going on the
        database and counts the outages it lived through.
      </p>
      <TokenGate purpose="Running loop tests">
        <LoadTestWorkbench />
      </TokenGate>
    </section>
  );
}

function LoadTestWorkbench() {
  const { data: current } = useQuery(loadtestCurrentQuery);
  const { history } = useLive();
  const runs = useLoadTests();
  const running = current?.status === 'running';
  return (
    <>
      <div className="overview-top">
        <div className="card" role="region" aria-labelledby="lt-form-title">
          <h2 id="lt-form-title">New loop test</h2>
          <LoadTestForm disabled={running} />
        </div>
        {current ? (
          <LoadTestProgressView run={current} />
        ) : (
          <div className="card">
            <h2>Progress</h2>
            <p>No loop test is running.</p>
          </div>
        )}
      </div>
      <MetricCharts history={history} withLatency={false} />
      <div className="card" role="region" aria-labelledby="lt-history-title">
        <h2 id="lt-history-title">History</h2>
        <ErrorMessage error={runs.error} context="Loop tests" />
        {runs.data && <LoadTestHistory runs={runs.data} />}
      </div>
    </>
  );
}
