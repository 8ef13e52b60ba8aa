import { EventEmitter } from 'node:events';
import type { LogLine } from '@rrl/contracts';

export type TappedLine = LogLine & { level: string };

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * The API's own log lines for the live feed (target `api`): pino hands every line it writes to
 * write() (hooks.streamWrite, see logger.ts). Costs one listener check per line while nobody
 * subscribes; lines are parsed only for subscribers.
 */
export class ApiLogTap {
  private readonly events = new EventEmitter<{ line: [TappedLine] }>();

  /** pino's streamWrite hook: must hand the line back unchanged. */
  readonly streamWrite = (s: string): string => {
    if (this.events.listenerCount('line') > 0) this.emit(s);
    return s;
  };

  on(listener: (line: TappedLine) => void): () => void {
    this.events.on('line', listener);
    return () => this.events.off('line', listener);
  }

  private emit(s: string): void {
    try {
      const { time, level, msg, context } = JSON.parse(s) as { time?: number; level?: number; msg?: unknown; context?: unknown };
      const text = typeof msg === 'string' ? msg : JSON.stringify(msg ?? '');
      const line = typeof context === 'string' ? `[${context}] ${text}` : text;
      this.events.emit('line', {
        at: new Date(time ?? Date.now()).toISOString(),
        stream: 'stdout',
        line,
        level: PINO_LEVELS[level ?? 30] ?? String(level),
      });
    } catch {
      // Not one JSON line (never expected from pino): pass it on as it is.
      this.events.emit('line', { at: new Date().toISOString(), stream: 'stdout', line: s.trimEnd(), level: 'info' });
    }
  }
}
