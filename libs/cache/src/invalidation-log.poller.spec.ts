import type { InvalidationMark } from '@rrl/users';
import { InvalidationLogPoller, LOG_POLL_MS } from './invalidation-log.poller';

function setup() {
  const state = { canPoll: true, rows: [] as InvalidationMark[] };
  const deps = {
    canPoll: () => state.canPoll,
    list: jest.fn(() => Promise.resolve([...state.rows])),
    found: jest.fn((_marks: InvalidationMark[]) => undefined),
    failed: jest.fn((_e: unknown) => undefined),
  };
  return { poller: new InvalidationLogPoller(deps), deps, state };
}

describe('InvalidationLogPoller (marks other instances recorded, once per LOG_POLL_MS)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads the log every LOG_POLL_MS and hands over what it found; nothing when the log is empty', async () => {
    const { poller, deps, state } = setup();
    poller.start();
    await jest.advanceTimersByTimeAsync(LOG_POLL_MS);
    expect(deps.list).toHaveBeenCalledTimes(1);
    expect(deps.found).not.toHaveBeenCalled();
    state.rows = [['user:9', 'other-instance:1']];
    await jest.advanceTimersByTimeAsync(LOG_POLL_MS);
    expect(deps.found).toHaveBeenCalledWith([['user:9', 'other-instance:1']]);
    poller.stop();
    await jest.advanceTimersByTimeAsync(3 * LOG_POLL_MS);
    expect(deps.list).toHaveBeenCalledTimes(2);
  });

  it('skips the polls its owner says are not due, runs one at a time, and reports a failed one', async () => {
    const { poller, deps, state } = setup();
    state.canPoll = false;
    poller.start();
    await jest.advanceTimersByTimeAsync(3 * LOG_POLL_MS);
    expect(deps.list).not.toHaveBeenCalled();

    state.canPoll = true;
    let answer!: (marks: InvalidationMark[]) => void;
    deps.list.mockReturnValueOnce(new Promise((res) => (answer = res)));
    await jest.advanceTimersByTimeAsync(3 * LOG_POLL_MS); // a hung query: no second one behind it
    expect(deps.list).toHaveBeenCalledTimes(1);
    answer([]);
    deps.list.mockRejectedValueOnce(new Error('database unavailable'));
    await jest.advanceTimersByTimeAsync(LOG_POLL_MS);
    expect(deps.failed).toHaveBeenCalledWith(new Error('database unavailable'));
    await jest.advanceTimersByTimeAsync(LOG_POLL_MS);
    expect(deps.list).toHaveBeenCalledTimes(3); // the next poll retries
    poller.stop();
  });
});
