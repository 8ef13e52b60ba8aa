import { useSyncExternalStore } from 'react';

/**
 * The chaos token, asked for once and kept for this browser session only (sessionStorage: gone
 * when the tab closes). It is sent as a bearer header or inside a WebSocket message, never put in
 * a URL and never logged.
 */
const KEY = 'rrl.chaosToken';
const listeners = new Set<() => void>();

export function getChaosToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setChaosToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function useChaosToken(): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getChaosToken,
    () => null,
  );
}
