import { AppError, ERROR_CODES } from '@rrl/contracts';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Wrong operator tokens one client (IP) may send per window before it is answered 429 until the
 * window ends. Ten a minute lets a person mistype a few times, and keeps guessing even a 16-character
 * token hopeless; 2 000 guesses in a burst get 10 answers and 1 990 refusals.
 */
export const WRONG_TOKENS_PER_WINDOW = 10;
export const WRONG_TOKEN_WINDOW_S = 60;

/**
 * Counts wrong tokens per client. Every presented token takes a point before it is compared and a
 * right one gives it back, so a burst of concurrent guesses is counted as it arrives (checking the
 * count first and adding failures afterwards would let a parallel burst through uncounted); an
 * operator's own traffic costs nothing. rate-limiter-flexible rather than @fastify/rate-limit: that
 * plugin counts every request of a route, and the WebSocket's token checks (not Fastify routes) need
 * the same counter.
 */
export class TokenAttemptLimiter {
  private readonly attempts = new RateLimiterMemory({ points: WRONG_TOKENS_PER_WINDOW, duration: WRONG_TOKEN_WINDOW_S });

  /** Takes a point for one token about to be compared; throws 429 TOO_MANY_ATTEMPTS (with retryAfterS) when none is left. */
  async take(client: string): Promise<void> {
    try {
      await this.attempts.consume(client);
    } catch (e) {
      // consume() rejects with the counter's state once the points are used up.
      if (e instanceof RateLimiterRes) throw new TooManyAttemptsError(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
      throw e;
    }
  }

  /** The token was right: its point goes back. */
  async giveBack(client: string): Promise<void> {
    await this.attempts.reward(client, 1);
  }
}

export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterS: number) {
    super(ERROR_CODES.TOO_MANY_ATTEMPTS, `too many wrong operator tokens from this client: retry in ${retryAfterS} s`);
  }
}
