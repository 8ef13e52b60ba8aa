import { Injectable } from '@nestjs/common';
import { ERROR_CODES, errorMessage, type ClientMessage } from '@rrl/contracts';
import { MetricsService } from '../metrics/metrics.service';
import { parseClientMessage } from './client-message.parser';
import { type LiveSession, encode } from './live-session';
import { LiveLogFeed } from './live-log.feed';
import { LiveTickScheduler } from './live-tick.scheduler';
import { LiveAccessPolicy } from './live-access.policy';

/** A client's messages: validated (client-message.parser.ts), then each type to the class that owns it. */
@Injectable()
export class LiveMessageHandler {
  constructor(
    private readonly policy: LiveAccessPolicy,
    private readonly logs: LiveLogFeed,
    private readonly ticks: LiveTickScheduler,
    private readonly metrics: MetricsService,
  ) {}

  onMessage(session: LiveSession, raw: Buffer, isBinary: boolean): void {
    const parsed = parseClientMessage(raw, isBinary);
    if (!parsed.ok) return session.sendFact(encode('error', { code: parsed.code, message: parsed.message }));
    this.handle(session, parsed.message).catch((e: unknown) =>
      session.sendFact(encode('error', { code: ERROR_CODES.INTERNAL, message: `could not handle the message: ${errorMessage(e)}` })),
    );
  }

  private async handle(session: LiveSession, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'feed':
        this.ticks.setRate(session, message.data.tickMs);
        return session.sendFact(encode('feed', { tickMs: this.ticks.rateOf(session) }));
      case 'history':
        return session.sendFact(encode('history', { points: this.metrics.recorder.history.last(message.data.seconds) }));
      case 'unsubscribe':
        return this.logs.unsubscribe(session, message.data.logs);
      case 'subscribe': {
        if (message.data.token !== undefined) {
          const problem = await this.policy.tokenProblem(message.data.token, session.client);
          if (problem) return session.sendFact(encode('error', problem));
          session.authorized = true;
        }
        if (!session.authorized) return session.sendFact(encode('error', this.policy.missingTokenProblem()));
        return this.logs.subscribe(session, message.data.logs);
      }
    }
  }
}
