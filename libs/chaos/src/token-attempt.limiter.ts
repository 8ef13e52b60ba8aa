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
 * Counts wrong tokens per client; only failures count, so an operator's own traffic is never slowed.
 * rate-limiter-flexible rather than @fastify/rate-limit: that plugin counts every request of a route,
 * and the WebSocket's token checks (not Fastify routes) need the same counter.
 */
export class TokenAttemptLimiter {
  private readonly failures = new RateLimiterMemory({ points: WRONG_TOKENS_PER_WINDOW, duration: WRONG_TOKEN_WINDOW_S });

  /** Throws 429 TOO_MANY_ATTEMPTS (with retryAfterS) when `client` used up its wrong guesses. */
  async assertAllowed(client: string): Promise<void> {
    const res = await this.failures.get(client);
    if (res && res.consumedPoints >= WRONG_TOKENS_PER_WINDOW) throw new TooManyAttemptsError(Math.ceil(res.msBeforeNext / 1000));
  }

  async recordFailure(client: string): Promise<void> {
    // consume() rejects (with the counter's state) once the points are used up: that is the block, already counted.
    await this.failures.consume(client).catch((e: unknown) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
  }
}

export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterS: number) {
    super(ERROR_CODES.TOO_MANY_ATTEMPTS, `too many wrong operator tokens from this client: retry in ${retryAfterS} s`);
  }
}
