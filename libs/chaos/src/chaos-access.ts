import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { AppError, ERROR_CODES } from '@rrl/contracts';
import { TokenAttemptLimiter } from './token-attempt.limiter';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** SHA-256 first so both sides have the same length: timingSafeEqual then leaks nothing, not even the length. */
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may drive the lab: a bearer token (CHAOS_TOKEN) for every operator route (chaos, loop tests,
 * cache warm/flush, Redis reset) and the live feed's operator messages. Without one configured they are
 * off, except in the embedded default (managed redis-server), where a random token is generated
 * at boot and printed once so the person who started the lab can use it.
 */
@Injectable()
export class ChaosAccess implements OnApplicationBootstrap {
  private readonly logger = new Logger('ChaosAccess');
  private readonly token: string | null;
  private readonly attempts = new TokenAttemptLimiter();
  readonly generated: boolean;

  constructor(@InjectAppConfig() config: AppConfig) {
    this.generated = !config.chaos.token && config.redisMode === 'managed';
    this.token = config.chaos.token ?? (this.generated ? randomBytes(24).toString('base64url') : null);
  }

  get enabled(): boolean {
    return this.token !== null;
  }

  onApplicationBootstrap(): void {
    // The one place a secret is logged, on purpose: nobody else could learn the generated token.
    if (this.generated) this.logger.log(`Chaos API token for this run (set CHAOS_TOKEN to choose your own): ${this.token}`);
  }

  /**
   * check() with the guesses of `client` (its IP) counted: past the limit it throws 429
   * TOO_MANY_ATTEMPTS without comparing the token. A request without a token is no guess.
   */
  async verify(authorization: string | undefined, client: string): Promise<void> {
    if (!this.token || !BEARER.test(authorization ?? '')) return this.check(authorization);
    await this.attempts.take(client);
    this.check(authorization);
    await this.attempts.giveBack(client);
  }

  /** Throws 403 CHAOS_DISABLED when no token is configured, 401 when the header does not carry it. */
  check(authorization: string | undefined): void {
    if (!this.token) {
      throw new AppError(
        ERROR_CODES.CHAOS_DISABLED,
        'operator routes (chaos, loop tests, cache warm/flush, Redis reset) are disabled: set CHAOS_TOKEN (config chaos.token) and send it as "Authorization: Bearer <token>"',
      );
    }
    const match = BEARER.exec(authorization ?? '');
    if (!match) throw new AppError(ERROR_CODES.UNAUTHORIZED, 'operator routes need "Authorization: Bearer <CHAOS_TOKEN>"');
    if (!timingSafeEqual(digest(match[1]), digest(this.token))) throw new AppError(ERROR_CODES.UNAUTHORIZED, 'wrong chaos token');
  }
}
