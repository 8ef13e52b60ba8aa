import type { AddressInfo } from 'node:net';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { WebSocketServer } from 'ws';
import type { ClientMessage } from '@rrl/contracts';
import { useLiveUpdates } from '../live/use-live-updates';
import { getViewSettings } from '../lib/view-settings';
import { renderWithApp } from '../testing/render';
import { ViewControls } from './view-controls';

const fastRetry = () => 50;

/** The app's shape: the socket hook at the top, the control on a page. */
function App({ url }: { url: string }) {
  useLiveUpdates(url, fastRetry);
  return <ViewControls />;
}

describe('ViewControls (refresh interval and time window)', () => {
  beforeEach(() => localStorage.clear());

  it('starts at 1 s and 5 minutes, and keeps a choice in this browser (a new page reads it back)', () => {
    const first = renderWithApp(<ViewControls />);
    const refresh = screen.getByLabelText<HTMLSelectElement>('Refresh');
    const window = screen.getByLabelText<HTMLSelectElement>('Show last');
    expect(refresh.selectedOptions[0].textContent).toBe('1 s');
    expect(window.selectedOptions[0].textContent).toBe('5 min');
    fireEvent.change(refresh, { target: { value: '5000' } });
    fireEvent.change(window, { target: { value: '900' } });
    expect(getViewSettings()).toEqual({ tickMs: 5000, windowSeconds: 900 });
    first.unmount();

    renderWithApp(<ViewControls />);
    expect(screen.getByLabelText<HTMLSelectElement>('Refresh').selectedOptions[0].textContent).toBe('5 s');
    expect(screen.getByLabelText<HTMLSelectElement>('Show last').selectedOptions[0].textContent).toBe('15 min');
  });

  it('says what paused means, and ignores a saved value it does not offer', () => {
    localStorage.setItem('rrl.view', JSON.stringify({ tickMs: 10, windowSeconds: 900 }));
    renderWithApp(<ViewControls />);
    expect(screen.getByLabelText<HTMLSelectElement>('Refresh').value).toBe('1000');
    expect(screen.queryByTestId('paused-note')).toBeNull();
    fireEvent.change(screen.getByLabelText('Refresh'), { target: { value: 'null' } });
    expect(screen.getByTestId('paused-note').textContent).toMatch(/badges stay live/);
    expect(getViewSettings().tickMs).toBeNull();
  });

  it('tells the server at once: the rate and the window history on connect, and again on every change (no reload)', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const received: ClientMessage[] = [];
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.on('message', (raw: Buffer) => received.push(JSON.parse(raw.toString('utf8')) as ClientMessage));
    });
    try {
      const { unmount } = renderWithApp(<App url={`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`} />);
      await waitFor(() =>
        expect(received).toEqual([
          { type: 'feed', data: { tickMs: 1000 } },
          { type: 'history', data: { seconds: 300 } },
        ]),
      );
      act(() => void fireEvent.change(screen.getByLabelText('Refresh'), { target: { value: '250' } }));
      await waitFor(() => expect(received).toContainEqual({ type: 'feed', data: { tickMs: 250 } }));
      act(() => void fireEvent.change(screen.getByLabelText('Show last'), { target: { value: '900' } }));
      await waitFor(() => expect(received).toContainEqual({ type: 'history', data: { seconds: 900 } }));
      act(() => void fireEvent.change(screen.getByLabelText('Refresh'), { target: { value: 'null' } }));
      await waitFor(() => expect(received).toContainEqual({ type: 'feed', data: { tickMs: null } }));
      expect(connections).toBe(1);
      unmount();
    } finally {
      wss.clients.forEach((ws) => ws.terminate());
      await new Promise((r) => wss.close(r));
    }
  });
});
