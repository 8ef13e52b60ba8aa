import { describeTransition } from './redis-transition.log';

describe('describeTransition', () => {
  const at = '2026-01-01T00:00:00.000Z';

  it('says from, to, attempt, cause and endpoint, as a warning while reconnecting', () => {
    expect(
      describeTransition(
        { at, from: 'ready', to: 'reconnecting', attempt: 1, errorKind: 'refused', message: 'ECONNREFUSED' },
        'redis://h:1/0',
      ),
    ).toEqual({ level: 'warn', line: 'ready -> reconnecting (attempt 1, refused: ECONNREFUSED) [redis://h:1/0]' });
  });

  it('names a node switch and logs an auth failure as an error', () => {
    expect(describeTransition({ at, from: 'reconnecting', to: 'ready', attempt: 2, node: 'b:2', previousNode: 'a:1' }, 'e').line).toBe(
      'reconnecting -> ready (attempt 2, node a:1 -> b:2) [e]',
    );
    expect(describeTransition({ at, from: 'reconnecting', to: 'auth-failed', attempt: 1, errorKind: 'auth' }, 'e').level).toBe('error');
  });
});
