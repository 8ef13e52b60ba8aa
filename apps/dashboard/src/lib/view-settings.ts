import { useSyncExternalStore } from 'react';
import { FEED_TICK_LIMITS, METRICS_HISTORY_SECONDS } from '@rrl/contracts';

/** How often the live charts and figures refresh (ms; null: paused) and how much time they show (s). */
export interface ViewSettings {
  tickMs: number | null;
  windowSeconds: number;
}

export const REFRESH_CHOICES: { tickMs: number | null; label: string }[] = [
  { tickMs: FEED_TICK_LIMITS.minMs, label: '250 ms' },
  { tickMs: 1000, label: '1 s' },
  { tickMs: 5000, label: '5 s' },
  { tickMs: null, label: 'Paused' },
];

export const WINDOW_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: METRICS_HISTORY_SECONDS, label: '15 min' },
];

/** Five minutes by default: a 45 s Redis restart with its lead-up and its recovery fits. */
export const DEFAULT_VIEW: ViewSettings = { tickMs: FEED_TICK_LIMITS.defaultMs, windowSeconds: 300 };

/** Per browser (localStorage): a weak laptop's choice of 5 s stays made across tabs and visits. */
const KEY = 'rrl.view';
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: ViewSettings } | null = null;

function valid(v: unknown): ViewSettings | null {
  if (typeof v !== 'object' || v === null) return null;
  const { tickMs, windowSeconds } = v as Partial<ViewSettings>;
  if (!REFRESH_CHOICES.some((c) => c.tickMs === tickMs)) return null;
  if (!WINDOW_CHOICES.some((c) => c.seconds === windowSeconds)) return null;
  return { tickMs: tickMs ?? null, windowSeconds: windowSeconds! };
}

function read(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the defaults, for this page only
  }
}

/** The saved settings, or the defaults when none (or something stale or hand-edited) is saved. */
export function getViewSettings(): ViewSettings {
  const raw = read();
  if (cached?.raw === raw) return cached.value;
  let value = DEFAULT_VIEW;
  try {
    value = (raw && valid(JSON.parse(raw))) || DEFAULT_VIEW;
  } catch {
    // not JSON: the defaults
  }
  cached = { raw, value };
  return value;
}

export function setViewSettings(patch: Partial<ViewSettings>): void {
  const next = { ...getViewSettings(), ...patch };
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    cached = { raw: read(), value: next };
  }
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab changed them: this one follows.
  const onStorage = (e: StorageEvent) => e.key === KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useViewSettings(): ViewSettings {
  return useSyncExternalStore(subscribe, getViewSettings, () => DEFAULT_VIEW);
}
