import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { ChaosRun } from '@rrl/contracts';
import { Badge } from '../../../components/badge';
import { ErrorMessage } from '../../../components/error-message';
import { chaosCurrentQuery } from '../../../live/live-queries';
import { useRuns, useScenarios, useTargets } from '../api/chaos-api';
import { PastRuns } from './past-runs';
import { RunCompare } from './run-compare';
import { RunningRun } from './running-run';
import { ScenarioForm } from './scenario-form';
import { ForgetTokenButton, TokenGate } from '../../../components/token-gate';

export function ChaosPage() {
  return (
    <section aria-labelledby="chaos-title">
      <h1 id="chaos-title">Chaos</h1>
      <p className="lead">
        Break a real Redis (or MySQL) and watch the app react: the timeline below and the charts on the Overview update live.
      </p>
      <TokenGate purpose="Running chaos scenarios">
        <ChaosControls />
      </TokenGate>
    </section>
  );
}

function ChaosControls() {
  const targets = useTargets();
  const scenarios = useScenarios();
  const runs = useRuns();
  const { data: current } = useQuery(chaosCurrentQuery);
  const [selected, setSelected] = useState<string[]>([]);
  const running = current?.status === 'running';
  const compared = selected.map((id) => runs.data?.find((r) => r.id === id)).filter((r): r is ChaosRun => !!r);

  return (
    <>
      <div className="overview-top">
        <div className="card" role="region" aria-labelledby="targets-title">
          <h2 id="targets-title">Targets</h2>
          <ErrorMessage error={targets.error} context="Targets" />
          {targets.data && (
            <ul className="targets">
              {targets.data.targets.map((t) => (
                <li key={t.id}>
                  <Badge
                    tone={t.state === 'running' ? 'good' : t.state === 'paused' || t.state === 'starting' ? 'warn' : 'bad'}
                    label={`${t.name} ${t.state}`}
                  >
                    {t.state}
                  </Badge>{' '}
                  <strong>{t.name}</strong> {t.kind} via {t.driver}
                  {t.endpoint ? ` at ${t.endpoint.host}:${t.endpoint.port}` : ''}
                  {t.labels && Object.keys(t.labels).length > 0 && (
                    <small className="labels">
                      {' '}
                      {Object.entries(t.labels)
                        // The lab's own labels say what a container is; Compose's bookkeeping labels are noise here.
                        .filter(([k]) => !k.startsWith('com.docker.'))
                        .map(([k, v]) => `${k}=${v}`)
                        .join(' ')}
                    </small>
                  )}
                </li>
              ))}
              {targets.data.drivers
                .filter((d) => !d.available)
                .map((d) => (
                  <li key={d.name} className="help">
                    {d.name} driver unavailable{d.error ? `: ${d.error}` : ''}
                  </li>
                ))}
            </ul>
          )}
          <ForgetTokenButton />
        </div>
        <div className="card" role="region" aria-labelledby="start-title">
          <h2 id="start-title">Start a scenario</h2>
          <ErrorMessage error={scenarios.error} context="Scenarios" />
          {scenarios.data && targets.data && <ScenarioForm scenarios={scenarios.data} targets={targets.data.targets} disabled={running} />}
        </div>
      </div>
      <RunningRun />
      {compared.length === 2 && <RunCompare runs={[compared[0], compared[1]]} onClose={() => setSelected([])} />}
      <div className="card" role="region" aria-labelledby="runs-title">
        <h2 id="runs-title">Past runs</h2>
        <ErrorMessage error={runs.error} context="Runs" />
        {runs.data && (
          <PastRuns
            runs={runs.data}
            selected={selected}
            onToggle={(id) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))}
          />
        )}
      </div>
    </>
  );
}
