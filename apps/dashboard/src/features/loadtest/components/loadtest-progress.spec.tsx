import { screen } from '@testing-library/react';
import { loadTestRun } from '../../../testing/fixtures';
import { renderWithApp } from '../../../testing/render';
import { LoadTestProgressView } from './loadtest-progress';

describe('LoadTestProgressView', () => {
  it('shows progress, rate, ETA, source split and the outages the run lived through', () => {
    const run = loadTestRun({
      outages: [
        {
          startedAt: '2026-11-29T12:00:02.000Z',
          endedAt: '2026-11-29T12:00:05.000Z',
          durationMs: 3000,
          timeToRecoverMs: 400,
          readsServedByMysql: 321,
        },
      ],
    });
    renderWithApp(<LoadTestProgressView run={run} />);
    expect(screen.getByTestId('loadtest-percent').textContent).toBe('25.0 %');
    expect(screen.getByRole('progressbar')).toHaveProperty('value', 25);
    screen.getByText('8.0 s'); // ETA
    screen.getByText(/200 \/ 25 \/ 0/);
    expect(screen.getByTestId('loadtest-outages').textContent).toMatch(/for 3\.0 s, recovered in 400 ms, 321 reads from the database/);
    screen.getByRole('button', { name: 'Cancel the loop test' });
  });

  it('reads 100 % and offers no cancel once completed', () => {
    renderWithApp(<LoadTestProgressView run={loadTestRun({ done: 1000, etaSeconds: 0 }, 'completed')} />);
    expect(screen.getByTestId('loadtest-percent').textContent).toBe('100 %');
    expect(screen.queryByRole('button', { name: 'Cancel the loop test' })).toBeNull();
  });
});
