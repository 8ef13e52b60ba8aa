import { screen, within } from '@testing-library/react';
import type { RedisStateEvent } from '@rrl/contracts';
import { liveKeys } from '../../../live/live-queries';
import { renderWithApp, testQueryClient } from '../../../testing/render';
import { ConnectionPage } from './connection-page';

describe('ConnectionPage', () => {
  it('lists transitions newest first with attempt, backoff delay and error kind', () => {
    const client = testQueryClient();
    const events: RedisStateEvent[] = [
      {
        at: '2026-11-29T12:00:00.000Z',
        from: 'ready',
        to: 'reconnecting',
        attempt: 1,
        delayMs: 1000,
        errorKind: 'refused',
        message: 'connect ECONNREFUSED',
      },
      { at: '2026-11-29T12:00:01.000Z', from: 'reconnecting', to: 'reconnecting', attempt: 2, delayMs: 2000, errorKind: 'refused' },
      { at: '2026-11-29T12:00:03.000Z', from: 'reconnecting', to: 'ready', attempt: 0 },
    ];
    client.setQueryData(liveKeys.redisEvents, events);
    renderWithApp(<ConnectionPage />, { client });
    const rows = within(screen.getByTestId('connection-history')).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]).getByRole('status').textContent).toBe('ready');
    expect(rows[1].textContent).toMatch(/reconnecting.*2.*2\.0 s.*refused/);
    expect(rows[2].textContent).toMatch(/ready.*reconnecting.*1.*1\.0 s.*refused.*ECONNREFUSED/);
  });
});
