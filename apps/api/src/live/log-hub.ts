import { API_LOG_TARGET, errorMessage } from '@rrl/contracts';
import type { LogLineWithLevel } from './live-session';

/** Starts following one target's output; resolves with the function that stops it. Rejects for an unknown target. */
export type LogSource = (target: string, onLine: (line: LogLineWithLevel) => void, onError: (e: Error) => void) => Promise<() => void>;

interface Followed {
  refs: number;
  stop: Promise<() => void>;
  lines: LogLineWithLevel[];
}

/**
 * One follower per target however many clients watch it (reference counted), and the lines of each
 * target since the last drain(): the gateway encodes each batch once for every client.
 */
export class LogHub {
  private readonly followed = new Map<string, Followed>();

  constructor(
    private readonly source: LogSource,
    private readonly onFailure: (target: string, message: string) => void,
  ) {}

  /** Follows the target (or joins its follower); rejects for an unknown target. */
  async acquire(target: string): Promise<void> {
    let f = this.followed.get(target);
    if (!f) {
      const entry: Followed = { refs: 0, lines: [], stop: Promise.resolve(() => undefined) };
      entry.stop = this.source(
        target,
        (line) => entry.lines.push(line),
        (e) => this.fail(target, entry, e),
      );
      f = entry;
      this.followed.set(target, f);
      f.stop.catch(() => this.followed.get(target) === entry && this.followed.delete(target));
    }
    f.refs++;
    try {
      await f.stop;
    } catch (e) {
      f.refs--;
      throw e;
    }
  }

  release(target: string): void {
    const f = this.followed.get(target);
    if (!f || --f.refs > 0) return;
    this.followed.delete(target);
    void f.stop.then((stop) => stop()).catch(() => undefined);
  }

  /** Lines per target since the last call. */
  drain(): [string, LogLineWithLevel[]][] {
    const out: [string, LogLineWithLevel[]][] = [];
    for (const [target, f] of this.followed) {
      if (f.lines.length === 0) continue;
      out.push([target, f.lines]);
      f.lines = [];
    }
    return out;
  }

  close(): void {
    for (const target of [...this.followed.keys()]) {
      const f = this.followed.get(target)!;
      f.refs = 1;
      this.release(target);
    }
  }

  private fail(target: string, entry: Followed, e: Error): void {
    if (this.followed.get(target) !== entry) return;
    this.followed.delete(target);
    void entry.stop.then((stop) => stop()).catch(() => undefined);
    this.onFailure(target, `following ${target === API_LOG_TARGET ? 'the API log' : target} failed: ${errorMessage(e)}`);
  }
}
