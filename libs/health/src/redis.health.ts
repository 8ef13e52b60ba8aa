import { Injectable } from '@nestjs/common';
import { withTimeout } from '@rrl/common';
import { errorMessage } from '@rrl/contracts';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnectionService } from '@rrl/redis';

/** PING budget for the readiness probe; well under a typical 1 s probe timeout. */
const PING_TIMEOUT_MS = 300;
const noAnswer = () => new Error(`no answer within ${PING_TIMEOUT_MS} ms`);

/**
 * Redis is optional for serving (reads fall back to the database), so it reports `degraded`,
 * never `down`, and says since when it has been unavailable.
 */
@Injectable()
export class RedisHealthIndicator {
  private lastGoodAt: string | null = null;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisConnectionService,
  ) {}

  async check(key = 'redis') {
    const status = this.redis.status();
    const session = this.health.check(key);
    if (status.state === 'ready') {
      const started = Date.now();
      try {
        await withTimeout(this.redis.client.ping(), PING_TIMEOUT_MS, 'redis ping', noAnswer);
        this.lastGoodAt = new Date().toISOString();
        return session.up({ state: status.state, latencyMs: Date.now() - started });
      } catch (e) {
        return session.degraded({ state: status.state, error: errorMessage(e), lastGoodAt: this.lastGoodAt });
      }
    }
    return session.degraded({
      state: status.state,
      attempt: status.attempt,
      outageMs: status.stats.currentOutageMs,
      lastError: status.lastError?.kind ?? null,
      lastGoodAt: this.lastGoodAt ?? status.stats.lastReadyAt,
      servingFrom: 'database',
    });
  }
}
