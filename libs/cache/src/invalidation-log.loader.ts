/** How often a read retries loading the invalidation log while the database cannot be read. */
export const LOG_RETRY_MS = 1000;

/** What the loader needs from its owner: the read itself, whether a retry can succeed, and what to do after a read. */
export interface InvalidationLogLoaderDeps {
  /** Reads the durable marks into memory. Never rejects: false when the log could not be read. */
  read(): Promise<boolean>;
  /** Whether a background retry is worth starting (the database is connected). */
  canRetry(): boolean;
  /** After every read that still counts, whether it succeeded or not (flush what is known). */
  afterRead(): void;
}

/**
 * Whether the durable marks have been read since boot / the last Redis (re)connect, and the gate
 * reads pass while they are not. When they cannot be read (database down or hung), Redis serves,
 * since nothing else could answer, and reads retry the log in the background at most once per
 * LOG_RETRY_MS without waiting for it.
 */
export class InvalidationLogLoader {
  private loaded = false;
  private loading: Promise<void> | null = null;
  /** Reads wait while `loading` runs: true for the first attempt after boot, a connect or a ready. */
  private gating = false;
  private lastAttempt = 0;

  constructor(private readonly deps: InvalidationLogLoaderDeps) {}

  get isLoaded(): boolean {
    return this.loaded;
  }

  get isLoading(): boolean {
    return this.loading !== null;
  }

  /** Something may have marked keys that this process has not read (a Redis ready): read again, gating reads. */
  reload(): Promise<void> {
    this.loaded = false;
    return this.load(true);
  }

  /** The database is (back) up: read the marks, gating reads, unless they were read already. */
  loadIfNeeded(): void {
    if (!this.loaded) void this.load(true);
  }

  /**
   * On every read, so cheap: true when this read must not use Redis yet (the marks are being read
   * for the first time since boot, a database connect or a Redis ready). Otherwise retries reading
   * them in the background, at most once per LOG_RETRY_MS, and lets the read use Redis.
   */
  holdsReads(): boolean {
    if (this.loaded) return false;
    if (this.loading) return this.gating;
    if (this.deps.canRetry() && performance.now() - this.lastAttempt >= LOG_RETRY_MS) void this.load(false);
    return false;
  }

  /**
   * A read already running is followed by a fresh one, and only the newest read counts as loaded:
   * one that started before a later Redis ready may have missed marks made during that outage.
   */
  private load(gating: boolean): Promise<void> {
    this.gating = gating;
    this.lastAttempt = performance.now();
    const load: Promise<void> = this.readAfter(this.loading).then((read) => {
      if (this.loading !== load) return;
      this.loading = null;
      this.loaded = read;
      this.deps.afterRead();
    });
    this.loading = load;
    return load;
  }

  private async readAfter(previous: Promise<void> | null): Promise<boolean> {
    await previous;
    return this.deps.read();
  }
}
