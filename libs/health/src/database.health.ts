import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseConnectionService } from '@rrl/database';

/** Readiness budget for the database round trip; a paused MySQL must not hang the probe. */
const PING_TIMEOUT_MS = 1000;

/** The database is required: without it the service cannot answer a cache miss. */
@Injectable()
export class DatabaseHealthIndicator {
  private lastGoodAt: string | null = null;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly db: DatabaseConnectionService,
  ) {}

  async check(key = 'database') {
    const session = this.health.check(key);
    const { driver } = this.db.status();
    const ping = await this.db.ping(PING_TIMEOUT_MS);
    if (ping.up) {
      this.lastGoodAt = new Date().toISOString();
      return session.up({ driver, latencyMs: ping.latencyMs });
    }
    return session.down({ driver, error: ping.error ?? 'unreachable', lastGoodAt: this.lastGoodAt });
  }
}
