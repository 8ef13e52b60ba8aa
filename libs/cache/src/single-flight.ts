/** Handed to the leader's work: detached once a write made its result outdated. */
export interface Flight {
  detached: boolean;
}

/**
 * Concurrent callers asking for the same key share one in-flight promise (stampede protection:
 * 100 simultaneous misses for one user become one database query). Written by hand because it
 * is a few lines; no cache library exposes just this piece.
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, { flight: Flight; result: Promise<V> }>();

  /** `joined` is true when the caller rode along on someone else's call. */
  run(key: K, work: (flight: Flight) => Promise<V>): { result: Promise<V>; joined: boolean } {
    const existing = this.inFlight.get(key);
    if (existing) return { result: existing.result, joined: true };
    const entry = { flight: { detached: false }, result: undefined as unknown as Promise<V> };
    entry.result = work(entry.flight).finally(() => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    });
    this.inFlight.set(key, entry);
    return { result: entry.result, joined: false };
  }

  /** Callers arriving from now on start a fresh call (the running one read data a write replaced). */
  forget(key: K): void {
    const entry = this.inFlight.get(key);
    if (!entry) return;
    entry.flight.detached = true;
    this.inFlight.delete(key);
  }
}
