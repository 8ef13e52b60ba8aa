import type { LogMessageData } from '@rrl/contracts';
import { RingBuffer } from '../lib/ring-buffer';

/** Lines kept per target: an hour of a chatty Redis stays a few MB and the list stays fast. */
export const LOG_LINES_KEPT = 2000;

export interface StoredLogLine {
  /** Increasing per store: a stable React key. */
  seq: number;
  target: string;
  at: string;
  stream: 'stdout' | 'stderr';
  level?: string;
  line: string;
}

/**
 * Bounded log tails per target, filled by the live-updates hook. Counts what was lost: lines the
 * server dropped for this client (it said so) and lines pushed out of the buffer here.
 */
export class LogStore {
  private readonly tails = new Map<string, RingBuffer<StoredLogLine>>();
  private readonly droppedByServer = new Map<string, number>();
  private readonly evicted = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private version = 0;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes on every append or clear (for useSyncExternalStore). */
  getVersion = (): number => this.version;

  append({ target, lines, dropped }: LogMessageData): void {
    let tail = this.tails.get(target);
    if (!tail) this.tails.set(target, (tail = new RingBuffer<StoredLogLine>(LOG_LINES_KEPT)));
    let evicted = 0;
    for (const l of lines) evicted += tail.push({ seq: ++this.seq, target, at: l.at, stream: l.stream, level: l.level, line: l.line });
    if (evicted) this.evicted.set(target, (this.evicted.get(target) ?? 0) + evicted);
    if (dropped) this.droppedByServer.set(target, (this.droppedByServer.get(target) ?? 0) + dropped);
    this.changed();
  }

  lines(target: string): StoredLogLine[] {
    return this.tails.get(target)?.toArray() ?? [];
  }

  dropped(target: string): { byServer: number; evicted: number } {
    return { byServer: this.droppedByServer.get(target) ?? 0, evicted: this.evicted.get(target) ?? 0 };
  }

  clear(target: string): void {
    this.tails.get(target)?.clear();
    this.droppedByServer.delete(target);
    this.evicted.delete(target);
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.listeners.forEach((l) => l());
  }
}
