import { screen, within } from '@testing-library/react';
import { liveKeys } from '../../../live/live-queries';
import { chaosRun } from '../../../testing/fixtures';
import { renderWithApp, testQueryClient } from '../../../testing/render';
import { RunCompare } from './run-compare';
import { RunFigures } from './run-figures';
import { RunningRun } from './running-run';

describe('RunningRun', () => {
  it('shows the run the feed pushed, with its timeline and a big stop button while it runs', () => {
    const client = testQueryClient();
    client.setQueryData(liveKeys.chaosCurrent, chaosRun());
    renderWithApp(<RunningRun />, { client });
    screen.getByRole('heading', { name: /Running: restart on process:redis-6390/ });
    screen.getByRole('button', { name: 'STOP' });
    within(screen.getByRole('list', { name: 'Timeline of restart' })).getByText('restart issued');
    screen.getByText('1.2 s'); // time to recover
  });

  it('has no stop button once the run ended', () => {
    const client = testQueryClient();
    client.setQueryData(liveKeys.chaosCurrent, chaosRun({ status: 'cancelled', phase: 'done', endedAt: '2026-11-29T12:00:05.000Z' }));
    renderWithApp(<RunningRun />, { client });
    screen.getByRole('heading', { name: /Last run: restart/ });
    expect(screen.queryByRole('button', { name: 'STOP' })).toBeNull();
  });
});

describe('RunCompare', () => {
  it('lines two runs up on their fault and puts their figures side by side', () => {
    const a = chaosRun({ id: 'a', status: 'completed' });
    const b = chaosRun({
      id: 'b',
      status: 'completed',
      timeline: [
        { at: '2026-11-29T12:10:00.400Z', offsetMs: 400, type: 'action', message: 'restart issued' },
        { at: '2026-11-29T12:10:02.400Z', offsetMs: 2400, type: 'first-redis-read', message: 'first read from Redis' },
      ],
      metrics: { ...chaosRun().metrics, timeToRecoverMs: 2000 },
    });
    renderWithApp(<RunCompare runs={[a, b]} onClose={() => undefined} />);
    const timelineB = screen.getByRole('list', { name: 'Timeline of run B' });
    // B's fault was issued 400 ms into its run: it is +0 there, and the recovery 2 s after it.
    expect(
      within(timelineB)
        .getAllByText(/^\+/)
        .map((e) => e.textContent),
    ).toEqual(['+0 ms', '+2.0 s']);
    const recoverRow = screen.getByRole('row', { name: /time to recover/ });
    expect(
      within(recoverRow)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['1.2 s', '2.0 s']);
  });
});

describe('RunFigures', () => {
  it('shows a Sentinel master switch: who was promoted and when, the first read from it, reads by node, writes during the switch', () => {
    const run = chaosRun({
      scenario: 'failover',
      metrics: {
        ...chaosRun().metrics,
        failover: {
          oldMaster: '127.0.0.1:6390',
          newMaster: '127.0.0.1:6391',
          timeToPromotionMs: 2300,
          timeToNewMasterReadMs: 930,
          readsByNode: { oldMaster: 11, database: 221, newMaster: 68, other: 0 },
          writesDuringSwitch: { total: 33, redisUpdated: 3, markedPending: 30 },
        },
      },
    });
    renderWithApp(<RunFigures run={run} />);
    screen.getByText('127.0.0.1:6391 (was 127.0.0.1:6390) in 2.3 s');
    screen.getByText('930 ms after the promotion');
    screen.getByText('11 / 221 / 68');
    expect(screen.getByText('writes during the switch').nextElementSibling?.textContent).toBe('33');
  });

  it('shows no switch figures for a run without a failover', () => {
    renderWithApp(<RunFigures run={chaosRun()} />);
    expect(screen.queryByText('promoted')).toBeNull();
  });
});
