import type { AppUnderTest } from './app-under-test';

/** The reads a probe issues and where it finds ids to read. */
export type ProbeTarget = Pick<AppUnderTest, 'read' | 'userIds'>;

export interface ReadProbeOptions {
  readsPerSecond: number;
  ids: number;
}

/** Reads beyond this many in flight are skipped: a hung store must not pile up probe reads. */
const MAX_IN_FLIGHT = 32;

/**
 * The run's own traffic: reads through the app's read path over existing ids at a steady rate, so a run has
 * a meaningful report without outside load. Results are not looked at here: every read is
 * reported to the run's observer, which the recorder counts like any other read.
 */
export class ReadProbe {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private next = 0;

  private constructor(
    private readonly target: ProbeTarget,
    private readonly ids: number[],
  ) {}

  /** Starts reading; null when disabled (0 reads/s) or when no id could be found. */
  static async start(target: ProbeTarget, options: ReadProbeOptions): Promise<ReadProbe | null> {
    if (options.readsPerSecond <= 0) return null;
    const ids = await target.userIds(options.ids).catch(() => []);
    if (!ids.length) return null;
    const probe = new ReadProbe(target, ids);
    // unref: the probe never keeps the process alive on its own.
    probe.timer = setInterval(() => probe.tick(), Math.max(1, Math.round(1000 / options.readsPerSecond))).unref();
    return probe;
  }

  get idCount(): number {
    return this.ids.length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (this.inFlight >= MAX_IN_FLIGHT) return;
    const id = this.ids[this.next++ % this.ids.length];
    this.inFlight++;
    this.target
      .read(id)
      .catch(() => undefined) // failures are counted from the cache's read events
      .finally(() => this.inFlight--);
  }
}
