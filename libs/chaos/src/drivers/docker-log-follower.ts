import type { Readable } from 'node:stream';
import type { LogLine } from '@rrl/contracts';
import type Docker from 'dockerode';
import { demuxLogLines, formatSince, timestampNanos } from './docker-log-lines';

/** Lets the process exit while a follow stream is open: a log tail must not keep Node alive. */
function unref(stream: Readable): void {
  (stream as Readable & { socket?: { unref(): void } }).socket?.unref();
}

/**
 * Follows a container's logs across stops and restarts. A Docker follow stream ends when the
 * container stops, so this watches the container's start events and re-attaches on each,
 * resuming strictly after the last line delivered (or from when following began), so no line of
 * either run is lost or repeated. Times come from the engine's clock; "began" from ours, which
 * is the same clock for a local engine.
 */
export class DockerLogFollower {
  private closed = false;
  private logStream: Readable | null = null;
  private events: Readable | null = null;
  /** Where the next attachment starts, ns since the epoch: just after the last line delivered. */
  private resumeAt = BigInt(Date.now()) * 1_000_000n;

  constructor(
    private readonly docker: Docker,
    private readonly containerId: string,
    private readonly onLine: (l: LogLine) => void,
    private readonly onError: (e: Error) => void,
  ) {}

  /** Subscribes to events first, so a start that happens while attaching is not missed. */
  async open(): Promise<void> {
    await this.watchEvents();
    await this.attach();
  }

  close(): void {
    this.closed = true;
    this.detach();
    this.events?.destroy();
  }

  private async watchEvents(): Promise<void> {
    const filters = { type: ['container' as const], container: [this.containerId], event: ['start'] };
    const events = (await this.docker.getEvents({ filters })) as unknown as Readable;
    if (this.closed) return void events.destroy();
    this.events = events;
    unref(events);
    let buf = '';
    events.on('error', (e) => this.closed || this.onError(e));
    events.on('data', (chunk: Buffer) => {
      const lines = (buf + chunk.toString('utf8')).split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.onEvent(JSON.parse(line) as { status?: string; Action?: string });
    });
  }

  private onEvent(e: { status?: string; Action?: string }): void {
    if ((e.Action ?? e.status) === 'start') this.attach().catch((err: Error) => this.closed || this.onError(err));
  }

  private async attach(): Promise<void> {
    if (this.closed) return;
    this.detach();
    const container = this.docker.getContainer(this.containerId);
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      since: formatSince(this.resumeAt) as never,
    })) as unknown as Readable;
    if (this.closed) return void stream.destroy();
    this.detach(); // two start events in a row: the later attachment wins
    this.logStream = stream;
    unref(stream);
    stream.on('error', (e) => stream === this.logStream && !this.closed && this.onError(e));
    demuxLogLines(this.docker.modem.demuxStream.bind(this.docker.modem), stream, ({ rawTs, ...line }) => {
      const at = timestampNanos(rawTs);
      if (at !== null) {
        if (at < this.resumeAt) return; // already delivered by the previous attachment
        this.resumeAt = at + 1n;
      }
      this.onLine(line);
    });
  }

  /** Drops the current attachment; its errors are no longer reported. */
  private detach(): void {
    const stream = this.logStream;
    this.logStream = null;
    stream?.destroy();
  }
}
