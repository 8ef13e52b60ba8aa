/**
 * Redis keys whose cached value may be stale because a write could not update or delete them
 * (Redis down, timed out, circuit open). Reads of these keys bypass Redis until a DEL of the
 * key succeeds. A generation per key makes sure a flush that raced a newer failed write does
 * not clear the newer mark.
 */
export class PendingInvalidations {
  private readonly keys = new Map<string, number>();
  private generation = 0;

  mark(...keys: string[]): void {
    for (const k of keys) this.keys.set(k, ++this.generation);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The current marks, to hand to clearIfUnchanged() once their DEL succeeded. */
  snapshot(): Array<[string, number]> {
    return [...this.keys];
  }

  clearIfUnchanged(snapshot: Array<[string, number]>): void {
    for (const [k, gen] of snapshot) if (this.keys.get(k) === gen) this.keys.delete(k);
  }
}
