import { StuckResetScheduler } from './stuck-reset.scheduler';

describe('StuckResetScheduler (fake timers)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('checks every interval, plus once after a client ended, until stopped', () => {
    const check = jest.fn();
    const s = new StuckResetScheduler(1000, check);
    s.start();
    s.start(); // idempotent: still one interval
    jest.advanceTimersByTime(2000);
    expect(check).toHaveBeenCalledTimes(2);
    s.checkAfter(300);
    s.checkAfter(300); // replaces, does not add
    jest.advanceTimersByTime(300);
    expect(check).toHaveBeenCalledTimes(3);
    s.stop();
    jest.advanceTimersByTime(5000);
    expect(check).toHaveBeenCalledTimes(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a cancelled extra check never runs', () => {
    const check = jest.fn();
    const s = new StuckResetScheduler(10_000, check);
    s.checkAfter(100);
    s.cancelPending();
    jest.advanceTimersByTime(200);
    expect(check).not.toHaveBeenCalled();
  });
});
