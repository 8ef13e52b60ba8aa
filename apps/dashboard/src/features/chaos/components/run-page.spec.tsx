import { screen, within } from '@testing-library/react';
import { setChaosToken } from '../../../lib/chaos-token';
import { chaosRun } from '../../../testing/fixtures';
import { renderWithApp, testQueryClient } from '../../../testing/render';
import { runQuery } from '../api/chaos-api';
import { PastRuns } from './past-runs';
import { RunReport } from './run-page';

const TOKEN = 'a-token-of-sixteen-chars';

describe('a chaos run at its own address', () => {
  afterEach(() => setChaosToken(null));

  it('links each past run to its page', () => {
    const run = chaosRun({ id: 'run-42', status: 'completed' });
    renderWithApp(<PastRuns runs={[run]} selected={[]} onToggle={() => undefined} />);
    expect(screen.getByRole('link', { name: 'restart' }).getAttribute('href')).toBe('/chaos/runs/run-42');
  });

  it("shows the run's report: scenario and status, figures and timeline", () => {
    setChaosToken(TOKEN);
    const client = testQueryClient();
    client.setQueryData(runQuery(TOKEN, 'run-42').queryKey, chaosRun({ id: 'run-42', status: 'completed' }));
    renderWithApp(<RunReport id="run-42" />, { client });
    screen.getByRole('heading', { name: 'restart — completed' });
    within(screen.getByRole('region', { name: 'Run figures' })).getByText('1.2 s'); // time to recover
    within(screen.getByRole('list', { name: 'Timeline of restart' })).getByText('restart issued');
  });
});
