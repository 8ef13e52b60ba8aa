import type { RedisStateTransition } from '@rrl/contracts';

export type TransitionLogLevel = 'error' | 'warn' | 'log';

/** The one log line of a state change: from, to, attempt, cause, node and endpoint; louder the worse it is. */
export function describeTransition(t: RedisStateTransition, endpoint: string): { level: TransitionLogLevel; line: string } {
  const cause = t.errorKind ? `, ${t.errorKind}${t.message ? `: ${t.message}` : ''}` : '';
  const node = t.previousNode ? `, node ${t.previousNode} -> ${t.node}` : t.node ? `, node ${t.node}` : '';
  const line = `${t.from} -> ${t.to} (attempt ${t.attempt}${cause}${node}) [${endpoint}]`;
  const level = t.to === 'auth-failed' ? 'error' : t.to === 'reconnecting' ? 'warn' : 'log';
  return { level, line };
}
