import { Readable } from 'node:stream';
import type { LogLine } from '@rrl/contracts';

/** A Docker log line plus its raw timestamp (RFC 3339 with nanoseconds), used to resume. */
export type DockerLogLine = LogLine & { rawTs: string };

/** docker-modem's demuxStream, bound to its modem. */
export type Demux = (source: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream) => void;

/** Splits one stream's bytes into lines of the form "<timestamp> <text>" (timestamps: true). */
function lineSplitter(stream: LogLine['stream'], onLine: (l: DockerLogLine) => void) {
  let pending = '';
  const emit = (raw: string) => {
    const text = raw.replace(/\r$/, '');
    if (!text.trim()) return;
    const space = text.indexOf(' ');
    const rawTs = space > 0 ? text.slice(0, space) : '';
    const at = Date.parse(rawTs);
    if (Number.isNaN(at)) onLine({ at: new Date().toISOString(), stream, line: text, rawTs: '' });
    else if (text.slice(space + 1).trim()) onLine({ at: new Date(at).toISOString(), stream, line: text.slice(space + 1), rawTs });
  };
  return {
    write(chunk: Buffer) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(emit);
    },
    flush() {
      if (pending) emit(pending);
      pending = '';
    },
  };
}

/**
 * Feeds a Docker log stream (multiplexed with 8-byte frame headers unless the container has a
 * TTY; docker-modem's demuxStream handles both) to onLine, one call per line, in order.
 */
export function demuxLogLines(demux: Demux, source: Readable, onLine: (l: DockerLogLine) => void): void {
  const stdout = lineSplitter('stdout', onLine);
  const stderr = lineSplitter('stderr', onLine);
  // demuxStream only ever calls write() on its outputs.
  demux(source, stdout as unknown as NodeJS.WritableStream, stderr as unknown as NodeJS.WritableStream);
  source.once('end', () => (stdout.flush(), stderr.flush()));
}

/** The lines of a finished (non-follow) logs response. */
export function parseLogBuffer(demux: Demux, body: Buffer): Promise<DockerLogLine[]> {
  const lines: DockerLogLine[] = [];
  const source = Readable.from([body], { objectMode: false });
  return new Promise((resolve, reject) => {
    demuxLogLines(demux, source, (l) => lines.push(l));
    source.once('end', () => resolve(lines));
    source.once('error', reject);
  });
}

/** Nanoseconds since the epoch of an RFC 3339 timestamp with up to 9 fraction digits; null if it is not one. */
export function timestampNanos(rawTs: string): bigint | null {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rawTs);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9));
}

/** Docker's `since` query value (UNIX seconds.nanoseconds): the engine keeps entries not before it. */
export function formatSince(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, '0')}`;
}
