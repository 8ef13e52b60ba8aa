import { act, fireEvent, screen } from '@testing-library/react';
import { setChaosToken } from '../../../lib/chaos-token';
import { LOG_LINES_KEPT } from '../../../live/log-store';
import { logTargetsQuery } from '../api/log-targets-api';
import { renderWithApp, testLive, testQueryClient } from '../../../testing/render';
import { LogsPage } from './logs-page';

const line = (text: string, level?: string) => ({ at: '2026-11-29T12:00:00.000Z', stream: 'stdout' as const, line: text, level });

describe('LogsPage', () => {
  afterEach(() => act(() => setChaosToken(null)));

  it('asks for the chaos token once, then subscribes to the target and tails it with filter, pause and clear', () => {
    const client = testQueryClient();
    client.setQueryData(logTargetsQuery('s3cret').queryKey, ['api', 'process:redis-6390']);
    const subscriptions: string[][] = [];
    const live = testLive({ setLogSubscriptions: (t) => subscriptions.push(t) });
    renderWithApp(<LogsPage />, { client, live });

    fireEvent.change(screen.getByLabelText('Chaos token'), { target: { value: 's3cret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Use token' }));
    expect(sessionStorage.getItem('rrl.chaosToken')).toBe('s3cret');
    expect(subscriptions).toEqual([['process:redis-6390']]);

    act(() =>
      live.logs.append({
        target: 'process:redis-6390',
        lines: [line('1:M 29 Nov 12:00:00.000 * Ready to accept connections'), line('1:M 29 Nov 12:00:01.000 # WARNING overcommit')],
      }),
    );
    const log = screen.getByTestId('log-lines');
    expect(log.textContent).toMatch(/Ready to accept connections.*WARNING overcommit/);

    fireEvent.change(screen.getByLabelText('level'), { target: { value: 'warn' } });
    expect(log.textContent).not.toMatch(/Ready to accept/);
    fireEvent.change(screen.getByLabelText('level'), { target: { value: 'all' } });
    fireEvent.change(screen.getByLabelText('filter'), { target: { value: 'ready' } });
    expect(log.textContent).not.toMatch(/overcommit/);
    fireEvent.change(screen.getByLabelText('filter'), { target: { value: '' } });

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => live.logs.append({ target: 'process:redis-6390', lines: [line('while paused')] }));
    expect(log.textContent).not.toMatch(/while paused/);
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(log.textContent).toMatch(/while paused/);

    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(log.textContent).toBe('No lines yet.');
  });

  it('keeps a bounded buffer and says how many lines were dropped', () => {
    setChaosToken('s3cret');
    const live = testLive();
    renderWithApp(<LogsPage />, { live });
    act(() =>
      live.logs.append({
        target: 'api',
        lines: Array.from({ length: LOG_LINES_KEPT + 30 }, (_, i) => line(`line ${i}`, 'info')),
        dropped: 12,
      }),
    );
    expect(live.logs.lines('api')).toHaveLength(LOG_LINES_KEPT);
    screen.getByText(/42 older line\(s\) dropped \(12 by the server because this page read too slowly\)/);
  });
});
