import { createContext, useContext, useEffect, useMemo, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { API_LOG_TARGET } from '@rrl/contracts';
import { getChaosToken, useChaosToken } from '../lib/chaos-token';
import { useViewSettings, type ViewSettings } from '../lib/view-settings';
import { applyServerMessage } from './apply-server-message';
import { liveKeys } from './live-queries';
import { LiveSocket, defaultFeedUrl } from './live-socket';
import { LogStore } from './log-store';
import { MetricHistory } from './metric-history';

export interface Live {
  history: MetricHistory;
  logs: LogStore;
  /** Log targets the Logs page wants; kept across reconnects and sent again on every `hello`. */
  setLogSubscriptions(targets: string[]): void;
}

export const LiveContext = createContext<Live | null>(null);

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside <LiveProvider>');
  return live;
}

export { API_LOG_TARGET };

/** This connection's tick rate, and the server's per-second history for the window in view. */
function sendView(socket: LiveSocket, view: ViewSettings): void {
  socket.send({ type: 'feed', data: { tickMs: view.tickMs } });
  socket.send({ type: 'history', data: { seconds: view.windowSeconds } });
}

/**
 * The app-level live-updates hook: owns the one socket to /ws for the app's lifetime, turns its
 * messages into query-cache updates, reconnects with backoff, and resubscribes the log tails after
 * a reconnect. Pages never open sockets and never poll what is pushed.
 */
export function useLiveUpdates(url: string = defaultFeedUrl(), retryDelay?: (attempt: number) => number): Live {
  const queryClient = useQueryClient();
  const socketRef = useRef<LiveSocket | null>(null);
  const subscriptions = useRef<string[]>([]);
  const stores = useMemo(() => ({ history: new MetricHistory(), logs: new LogStore() }), []);
  const view = useViewSettings();
  const viewRef = useRef(view);
  viewRef.current = view;

  // A new token is a new socket: the server decides at connect time what a client may receive.
  const token = useChaosToken();
  useEffect(() => {
    const subscribe = (logs: string[]) => {
      if (logs.length) socketRef.current?.send({ type: 'subscribe', data: { logs, token: getChaosToken() ?? undefined } });
    };
    const socket = new LiveSocket({
      url,
      retryDelay,
      protocols: feedProtocols(token),
      onState: (state) => queryClient.setQueryData(liveKeys.feed, state),
      onOpen: () => {
        sendView(socket, viewRef.current);
        subscribe(subscriptions.current);
      },
      onMessage: (message) => applyServerMessage({ queryClient, ...stores }, message),
    });
    socketRef.current = socket;
    socket.start();
    return () => {
      socket.stop();
      socketRef.current = null;
    };
  }, [url, retryDelay, queryClient, stores, token]);

  // A changed control takes effect at once: the new rate, and the window's past (a widened window or the gap a pause left).
  useEffect(() => {
    if (socketRef.current) sendView(socketRef.current, view);
  }, [view]);

  return useMemo<Live>(
    () => ({
      ...stores,
      setLogSubscriptions(targets: string[]) {
        const removed = subscriptions.current.filter((t) => !targets.includes(t));
        if (removed.length) socketRef.current?.send({ type: 'unsubscribe', data: { logs: removed } });
        const added = targets.filter((t) => !subscriptions.current.includes(t));
        subscriptions.current = [...targets];
        if (added.length) socketRef.current?.send({ type: 'subscribe', data: { logs: added, token: getChaosToken() ?? undefined } });
      },
    }),
    [stores],
  );
}

/** RFC 6455 subprotocols are HTTP tokens: a token with other characters is sent in the subscribe message only. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** "rrl.live" plus "bearer.<token>": how a browser socket authenticates as an operator (chaos runs, loop tests, logs). */
export function feedProtocols(token: string | null): string[] | undefined {
  return token && HTTP_TOKEN.test(token) ? ['rrl.live', `bearer.${token}`] : undefined;
}
