import { ConsistencyChecker, type ConsistencyCheckerOptions, type WriteHandle } from './consistency-checker';
import type { ConsistencyReport, Operation, WriteOperation } from './history.types';

type Event = { at: number; rank: 0; op: Extract<Operation, { kind: 'read' }> } | { at: number; rank: 1 | 2; op: WriteOperation };

/**
 * Checks a whole recorded history (operations in any order): replays it in time order through a
 * ConsistencyChecker. At equal times a read's completion comes before a write's start (a write
 * must have begun strictly before the read completed to allow it). A write with no completion
 * counts as unknown: possibly applied.
 */
export function checkHistory(operations: readonly Operation[], options?: ConsistencyCheckerOptions): ConsistencyReport {
  const events: Event[] = [];
  for (const op of operations) {
    if (op.kind === 'read') {
      if (op.completedAt < op.invokedAt) throw new Error(`read of ${op.key} completes before it begins`);
      events.push({ at: op.completedAt, rank: 0, op });
    } else {
      events.push({ at: op.invokedAt, rank: 1, op });
      if (op.completedAt !== undefined) {
        if (op.completedAt < op.invokedAt) throw new Error(`write of ${op.key} v${op.version} completes before it begins`);
        events.push({ at: op.completedAt, rank: 2, op });
      }
    }
  }
  events.sort((a, b) => a.at - b.at || a.rank - b.rank);

  const checker = new ConsistencyChecker(options);
  const handles = new Map<WriteOperation, WriteHandle>();
  for (const event of events) {
    if (event.rank === 0) {
      const { kind: _kind, ...read } = event.op;
      checker.read(read);
    } else if (event.rank === 1) {
      handles.set(event.op, checker.writeInvoked(event.op.key, event.op.version, event.at));
    } else {
      checker.writeCompleted(handles.get(event.op)!, event.op.outcome ?? 'unknown', event.at);
    }
  }
  return checker.report();
}
