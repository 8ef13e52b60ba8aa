/**
 * Keeps the newest `capacity` items (log tails, transition histories, finished runs): pushing onto
 * a full buffer overwrites the oldest, in O(1), so a long-lived process holds a bounded amount.
 */
export class CappedBuffer<T> {
  private readonly items: T[] = [];
  /** Index of the oldest item once the buffer is full. */
  private start = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** The newest `limit` items (all by default), oldest first; a copy. */
  last(limit = this.capacity): T[] {
    if (limit <= 0) return [];
    const ordered = [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
    return ordered.slice(-limit);
  }
}
