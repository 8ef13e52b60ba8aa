import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChaosService } from '@rrl/chaos/nest';
import { API_LOG_TARGET, AppError, ERROR_CODES, errorMessage, type LogMessageData } from '@rrl/contracts';
import { ApiLogTap } from './api-log-tap';
import { type LiveSession, encode } from './live-session';
import { LiveSessionRegistry } from './live-session.registry';
import { InjectLiveOptions, type LiveOptions } from './live.options';
import { LogHub } from './log-hub';

/** How stale the cached list of log targets in `hello` may get before a connect refreshes it. */
const TARGETS_REFRESH_MS = 10_000;
/** Recent lines a new subscriber gets before the live ones, as `docker logs --tail N -f` shows them. */
export const LOG_TAIL_ON_SUBSCRIBE = 200;

/**
 * Log lines of the targets each client subscribed to: one follower per target (LogHub), batches
 * encoded once every flushMs, the list of targets a token holder may follow.
 */
@Injectable()
export class LiveLogFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private readonly hub: LogHub;
  private timer: NodeJS.Timeout | null = null;
  private logTargets: string[] = [API_LOG_TARGET];
  private logTargetsAt = 0;

  constructor(
    @InjectLiveOptions() private readonly options: LiveOptions,
    private readonly sessions: LiveSessionRegistry,
    private readonly chaos: ChaosService,
    tap: ApiLogTap,
  ) {
    this.hub = new LogHub(
      (target, onLine, onError) =>
        target === API_LOG_TARGET
          ? Promise.resolve(tap.on(onLine))
          : this.chaos.followLogs(target, onLine, onError).then((f) => () => f.close()),
      (target, message) => this.dropTarget(target, message),
    );
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.drain(), this.options.flushMs).unref();
    void this.refreshTargets();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.hub.close();
  }

  /** The targets for `hello`; refreshed in the background when stale. */
  targets(): string[] {
    if (Date.now() - this.logTargetsAt > TARGETS_REFRESH_MS) void this.refreshTargets();
    return this.logTargets;
  }

  async subscribe(session: LiveSession, targets: string[]): Promise<void> {
    for (const target of targets) {
      if (session.logTargets.has(target)) continue;
      let recent: LogMessageData['lines'] = [];
      try {
        // The recent tail first, then the follower: a line could only be lost in the milliseconds
        // between the two, where the other order would show it twice.
        if (target !== API_LOG_TARGET) recent = await this.chaos.logs(target, LOG_TAIL_ON_SUBSCRIBE);
        await this.hub.acquire(target);
      } catch (e) {
        const code = e instanceof AppError ? e.code : ERROR_CODES.CHAOS_DRIVER_UNAVAILABLE;
        session.sendFact(encode('error', { code, message: `cannot follow '${target}': ${errorMessage(e)}` }));
        continue;
      }
      // The client may have left while the follower started.
      if (!this.sessions.isOpen(session)) {
        this.hub.release(target);
        continue;
      }
      session.logTargets.add(target);
      if (recent.length > 0) session.offerLogs(target, recent, encode('log', { target, lines: recent }));
    }
    session.sendFact(encode('subscribed', { logs: [...session.logTargets] }));
  }

  unsubscribe(session: LiveSession, targets: string[]): void {
    for (const target of targets) {
      if (!session.logTargets.has(target)) {
        session.sendFact(encode('error', { code: ERROR_CODES.VALIDATION_FAILED, message: `not subscribed to '${target}'` }));
        continue;
      }
      session.unsubscribe(target);
      this.hub.release(target);
    }
    session.sendFact(encode('subscribed', { logs: [...session.logTargets] }));
  }

  /** The client left: its followers are released. */
  releaseAll(session: LiveSession): void {
    for (const target of session.logTargets) this.hub.release(target);
  }

  private drain(): void {
    for (const [target, lines] of this.hub.drain()) {
      const json = encode('log', { target, lines });
      for (const session of this.sessions.all()) session.offerLogs(target, lines, json);
    }
  }

  private async refreshTargets(): Promise<void> {
    this.logTargetsAt = Date.now();
    try {
      const { targets } = await this.chaos.targets();
      this.logTargets = [API_LOG_TARGET, ...targets.map((t) => t.id)];
    } catch (e) {
      this.logger.debug(`log targets not refreshed: ${errorMessage(e)}`);
    }
  }

  /** A follower failed (the target vanished, the engine went away): its clients are told and unsubscribed. */
  private dropTarget(target: string, message: string): void {
    for (const session of this.sessions.all()) {
      if (!session.logTargets.has(target)) continue;
      session.unsubscribe(target);
      session.sendFact(encode('error', { code: ERROR_CODES.CHAOS_DRIVER_UNAVAILABLE, message }));
      session.sendFact(encode('subscribed', { logs: [...session.logTargets] }));
    }
  }
}
