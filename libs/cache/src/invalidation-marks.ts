import { randomUUID } from 'node:crypto';
import type { InvalidationMark } from '@rrl/users';

/**
 * Redis keys whose cached value may be stale because a write could not update or delete them
 * (Redis down, timed out, circuit open). Reads of these keys bypass Redis until a DEL of the
 * key succeeds. Each mark has a token, unique across processes, so that a flush that raced a
 * newer failed write does not clear the newer mark, here or in the durable InvalidationLog.
 */
export class InvalidationMarks {
  private readonly keys = new Map<string, string>();
  private readonly process = randomUUID();
  private generation = 0;

  /** Marks the keys pending; returns the marks, for the durable log. */
  mark(...keys: string[]): InvalidationMark[] {
    return keys.map((k) => {
      const token = `${this.process}:${++this.generation}`;
      this.keys.set(k, token);
      return [k, token] as const;
    });
  }

  /** Marks read back from the durable log (another process's, or this one's before a restart). */
  restore(marks: readonly InvalidationMark[]): void {
    for (const [k, token] of marks) if (!this.keys.has(k)) this.keys.set(k, token);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The current marks, to hand to clearIfUnchanged() once their DEL succeeded. */
  snapshot(): InvalidationMark[] {
    return [...this.keys];
  }

  clearIfUnchanged(snapshot: readonly InvalidationMark[]): void {
    for (const [k, token] of snapshot) if (this.keys.get(k) === token) this.keys.delete(k);
  }
}
