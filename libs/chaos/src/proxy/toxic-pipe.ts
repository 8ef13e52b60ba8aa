import type { Socket } from 'node:net';
import type { Toxic } from '@rrl/contracts';

export type PipeDirection = 'upstream' | 'downstream';

/** Bytes held for a slow or delayed peer before reading from the source pauses (backpressure). */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;
/** Bandwidth is paced in slices of 1/10 s worth of bytes, so throughput is smooth, not bursty. */
const SLICES_PER_SECOND = 10;

interface Pending {
  data: Buffer;
  /** Not written before this time (latency). */
  readyAt: number;
}

function appliesTo(t: Toxic, direction: PipeDirection): boolean {
  const d = 'direction' in t ? (t.direction ?? 'both') : 'both';
  return d === 'both' || d === direction;
}

/** latency ± jitter, uniformly, never negative (Toxiproxy's latency toxic). */
function delayOf(t: Extract<Toxic, { type: 'latency' }>): number {
  const jitter = t.jitterMs ? (Math.random() * 2 - 1) * t.jitterMs : 0;
  return Math.max(0, t.latencyMs + jitter);
}

/**
 * One direction of a proxied connection: reads from `source`, applies the toxics active at that
 * moment and writes to `dest`. The queue is strictly FIFO, so chunks leave in the order they came
 * (a later chunk with less jitter waits behind a delayed one), as on a real TCP stream.
 */
export class ToxicPipe {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  /** Earliest time the next slice may leave under a bandwidth toxic. */
  private nextSendAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private waitingForDrain = false;
  private sourceEnded = false;

  constructor(
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly direction: PipeDirection,
    private readonly toxics: () => Toxic[],
    private readonly onBytes: (n: number) => void,
  ) {
    source.on('data', (chunk: Buffer) => this.push(chunk));
    source.on('end', () => ((this.sourceEnded = true), this.pump()));
  }

  /** Drops whatever is still queued (the connection is going away). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedBytes = 0;
  }

  private active(): Toxic[] {
    return this.toxics().filter((t) => appliesTo(t, this.direction));
  }

  private push(chunk: Buffer): void {
    this.onBytes(chunk.length);
    const active = this.active();
    if (active.some((t) => t.type === 'blackhole')) return; // swallowed: the peer never hears of it
    const delay = active.reduce((ms, t) => (t.type === 'latency' ? ms + delayOf(t) : ms), 0);
    this.queue.push({ data: chunk, readyAt: Date.now() + delay });
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > HIGH_WATER) this.source.pause();
    this.pump();
  }

  private pump(): void {
    if (this.timer || this.waitingForDrain || this.dest.destroyed) return;
    while (this.queue.length > 0) {
      const active = this.active();
      if (active.some((t) => t.type === 'blackhole')) return this.dispose(); // delayed data goes silent too
      const bandwidth = Math.min(...active.map((t) => (t.type === 'bandwidth' ? t.bytesPerSecond : Infinity)));
      const head = this.queue[0];
      const now = Date.now();
      const wait = Math.max(head.readyAt, Number.isFinite(bandwidth) ? this.nextSendAt : 0) - now;
      if (wait > 0) {
        this.timer = setTimeout(() => ((this.timer = null), this.pump()), wait);
        return;
      }
      const slice = this.take(head, bandwidth);
      if (Number.isFinite(bandwidth)) this.nextSendAt = Math.max(now, this.nextSendAt) + (slice.length / bandwidth) * 1000;
      if (!this.dest.write(slice)) {
        this.waitingForDrain = true;
        this.dest.once('drain', () => ((this.waitingForDrain = false), this.pump()));
        break;
      }
    }
    if (this.queuedBytes < LOW_WATER && this.source.isPaused()) this.source.resume();
    if (this.sourceEnded && this.queue.length === 0 && !this.waitingForDrain) this.dest.end();
  }

  /** The next slice of the head chunk: all of it, or 1/10 s worth under a bandwidth cap. */
  private take(head: Pending, bandwidth: number): Buffer {
    const max = Number.isFinite(bandwidth) ? Math.max(1, Math.floor(bandwidth / SLICES_PER_SECOND)) : Infinity;
    let slice = head.data;
    if (slice.length > max) {
      slice = head.data.subarray(0, max);
      head.data = head.data.subarray(max);
    } else {
      this.queue.shift();
    }
    this.queuedBytes -= slice.length;
    return slice;
  }
}
