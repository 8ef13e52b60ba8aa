import { useEffect, useSyncExternalStore } from 'react';
import { useLive } from '../../../live/use-live-updates';
import type { StoredLogLine } from '../../../live/log-store';

/** Subscribes the feed to one target's log while mounted; returns its bounded tail and what was dropped. */
export function useLogTail(target: string | null) {
  const live = useLive();
  useEffect(() => {
    if (!target) return;
    live.setLogSubscriptions([target]);
    return () => live.setLogSubscriptions([]);
  }, [live, target]);
  useSyncExternalStore(live.logs.subscribe.bind(live.logs), live.logs.getVersion);
  return {
    lines: target ? live.logs.lines(target) : ([] as StoredLogLine[]),
    dropped: target ? live.logs.dropped(target) : { byServer: 0, evicted: 0 },
    clear: () => target && live.logs.clear(target),
  };
}

export const LOG_LEVELS = ['all', 'error', 'warn', 'info', 'debug'] as const;
export type LevelFilter = (typeof LOG_LEVELS)[number];
const RANK: Record<string, number> = {
  fatal: 0,
  error: 0,
  warn: 1,
  warning: 1,
  info: 2,
  notice: 2,
  log: 2,
  debug: 3,
  verbose: 3,
  trace: 4,
};

/** A line's level: its own, or Redis's marker (# warning, * notice, - verbose, . debug), or stderr = error. */
export function levelOf(l: StoredLogLine): string {
  if (l.level) return l.level.toLowerCase();
  const marker = /^\d+:[A-Z] [^*#.-]*([*#.-]) /.exec(l.line)?.[1];
  if (marker) return { '#': 'warn', '*': 'info', '-': 'debug', '.': 'debug' }[marker] ?? 'info';
  return l.stream === 'stderr' ? 'error' : 'info';
}

/** Lines at or above the level that contain the text (case-insensitive). */
export function filterLines(lines: StoredLogLine[], text: string, level: LevelFilter): StoredLogLine[] {
  const needle = text.trim().toLowerCase();
  const max = level === 'all' ? Infinity : RANK[level];
  return lines.filter((l) => (RANK[levelOf(l)] ?? 2) <= max && (!needle || l.line.toLowerCase().includes(needle)));
}
