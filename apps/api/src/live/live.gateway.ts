import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { errorMessage } from '@rrl/contracts';
import type WebSocket from 'ws';
import { LiveAccessPolicy } from './live-access.policy';
import { handleProtocols, tokenOfRequest } from './live-auth';
import { LiveHelloBuilder } from './live-hello.builder';
import { LiveLogFeed } from './live-log.feed';
import { LiveMessageHandler } from './live-message.handler';
import { type LiveSession, encode } from './live-session';
import { LiveSessionRegistry } from './live-session.registry';
import { MAX_FRAME_BYTES } from './live.options';

/**
 * The live feed at /ws on the API's port: a client's connection (Origin and token checked by
 * LiveAccessPolicy) and its end. What it then gets is
 * owned elsewhere: `metrics` ticks at its own rate (LiveTickScheduler), transitions and chaos and
 * loop-test events (LiveEventFanout), log lines (LiveLogFeed), answers to its messages
 * (LiveMessageHandler); every write goes through its LiveSession (bounded, see there).
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_FRAME_BYTES, handleProtocols })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('Live');

  constructor(
    private readonly sessions: LiveSessionRegistry,
    private readonly policy: LiveAccessPolicy,
    private readonly messages: LiveMessageHandler,
    private readonly hello: LiveHelloBuilder,
    private readonly logs: LiveLogFeed,
  ) {}

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    // 1008 policy violation, before anything is sent: a cross-site page reads nothing.
    if (!this.policy.originAllowed(request)) return socket.close(1008, 'origin not allowed');
    const session = this.sessions.open(socket, request.socket.remoteAddress ?? '');
    // WsAdapter logs every socket error with its stack; a client's oversized frame (ws closes it with
    // 1009) or broken connection is the client's problem: one debug line, so a public socket cannot flood the log.
    socket.removeAllListeners('error');
    socket.on('error', (e) => this.logger.debug(`live client error: ${errorMessage(e)}`));
    socket.on('message', (raw: Buffer, isBinary: boolean) => this.messages.onMessage(session, raw, isBinary));
    void this.greet(session, tokenOfRequest(request));
  }

  /** The connect-time token checked (counted like a REST guess), then hello for what the client may see. */
  private async greet(session: LiveSession, token: string | null): Promise<void> {
    const tokenProblem = token === null ? null : await this.policy.tokenProblem(token, session.client);
    session.authorized = token !== null && tokenProblem === null;
    if (!this.sessions.isOpen(session)) return;
    session.socket.send(encode('hello', this.hello.build(session.authorized)));
    if (tokenProblem) session.sendFact(encode('error', tokenProblem));
  }

  handleDisconnect(socket: WebSocket): void {
    const session = this.sessions.close(socket);
    if (session) this.logs.releaseAll(session);
  }

  /** Clients connected now (for tests and the bench). */
  get clientCount(): number {
    return this.sessions.size;
  }
}
