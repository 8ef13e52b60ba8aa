import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ChaosAccess } from '@rrl/chaos/nest';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { AppError, ERROR_CODES, errorMessage, type HelloData, type ServerMessageType } from '@rrl/contracts';
import { LIVE_PROTOCOL } from './live-auth';

/**
 * What anyone may read, as GET /metrics and /health already say it: every other message (chaos
 * runs, loop tests, logs, and any type added later) goes to token holders only.
 */
const PUBLIC_MESSAGES: ReadonlySet<ServerMessageType> = new Set([
  'hello',
  'metrics',
  'redis-state',
  'breaker-state',
  'subscribed',
  'error',
  'feed',
  'history',
]);

export type TokenProblem = { code: string; message: string } | null;

/**
 * Who may use /ws and what they get: a browser page only from the app's own origin or
 * `allowedOrigins` (a cross-site page must not read the feed with the user's network position), and
 * operator messages only for a client that gave the operator token (wrong guesses are limited as on
 * the REST routes). Kept apart from LiveGateway so the rules sit in one place.
 */
@Injectable()
export class LiveAccessPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(
    @InjectAppConfig() config: AppConfig,
    private readonly access: ChaosAccess,
  ) {
    this.allowed = new Set(config.allowedOrigins);
  }

  /** No Origin (a non-browser client), the page's own host, or an allowed origin. */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (this.allowed.has(origin)) return true;
    return URL.canParse(origin) && new URL(origin).host === request.headers.host;
  }

  mayReceive(type: ServerMessageType, authorized: boolean): boolean {
    return authorized || PUBLIC_MESSAGES.has(type);
  }

  /** The hello a client gets: the running chaos run and loop test only with the token. */
  hello(data: HelloData, authorized: boolean): HelloData {
    return authorized ? data : { ...data, chaosRun: null, loadtest: null, logTargets: [] };
  }

  /** What a client without the token is told when it asks for logs. */
  missingTokenProblem(): { code: string; message: string } {
    return this.access.enabled
      ? { code: ERROR_CODES.UNAUTHORIZED, message: `log feeds need the chaos token: ${LIVE_TOKEN_HINT}` }
      : { code: ERROR_CODES.CHAOS_DISABLED, message: 'log feeds are disabled: set CHAOS_TOKEN (config chaos.token)' };
  }

  /** null when `token` is the operator token; otherwise what the client is told (401, 403, 429). */
  async tokenProblem(token: string, client: string): Promise<TokenProblem> {
    try {
      await this.access.verify(`Bearer ${token}`, client);
      return null;
    } catch (e) {
      return e instanceof AppError ? { code: e.code, message: e.message } : { code: ERROR_CODES.UNAUTHORIZED, message: errorMessage(e) };
    }
  }
}

const LIVE_TOKEN_HINT = `send it in the subscribe message ({"type":"subscribe","data":{"logs":[...],"token":"..."}}), as ?token=..., or offer the subprotocols "${LIVE_PROTOCOL}" and "bearer.<token>"`;
