import { Logger } from '@nestjs/common';
import type { RedisStateTransition } from '@rrl/contracts';
import { NodeSwitchInvalidator, REPLICATION_LAG_MARGIN_MS, SWITCH_INVALIDATION_LIMIT } from './node-switch.invalidator';

const switched: RedisStateTransition = { at: '', from: 'reconnecting', to: 'ready', attempt: 1, node: 'b:6379', previousNode: 'a:6379' };

function setup() {
  const users = { findIdsUpdatedSince: jest.fn((_since: Date, _limit: number) => Promise.resolve([41, 42])) };
  return { invalidator: new NodeSwitchInvalidator(users, (id) => `user:${id}`), users };
}

describe('NodeSwitchInvalidator (the recent writes a new Redis master may have missed)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('after a switch, lists the users written since shortly before the old master went away, once', async () => {
    const { invalidator, users } = setup();
    jest.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    invalidator.readied(switched, 2000);
    expect(await invalidator.keysToInvalidate()).toEqual(['user:41', 'user:42']);
    // Since the outage began (2 s ago), minus the margin for replication lag.
    expect(users.findIdsUpdatedSince).toHaveBeenCalledWith(
      new Date(Date.parse('2026-01-01T00:00:10Z') - 2000 - REPLICATION_LAG_MARGIN_MS),
      SWITCH_INVALIDATION_LIMIT,
    );
    expect(await invalidator.keysToInvalidate()).toEqual([]); // listed: nothing more to delete
    expect(users.findIdsUpdatedSince).toHaveBeenCalledTimes(1);
  });

  it('a reconnect to the same node is no switch: nothing to delete', async () => {
    const { invalidator, users } = setup();
    invalidator.readied({ ...switched, previousNode: undefined }, 2000);
    expect(await invalidator.keysToInvalidate()).toEqual([]);
    expect(users.findIdsUpdatedSince).not.toHaveBeenCalled();
  });

  it('when the database cannot list the recent writes, says so (null), and the next call retries', async () => {
    const { invalidator, users } = setup();
    users.findIdsUpdatedSince.mockRejectedValueOnce(new Error('database unavailable'));
    invalidator.readied(switched, 0);
    expect(await invalidator.keysToInvalidate()).toBeNull();
    expect(await invalidator.keysToInvalidate()).toEqual(['user:41', 'user:42']);
    expect(users.findIdsUpdatedSince).toHaveBeenCalledTimes(2);
  });
});
