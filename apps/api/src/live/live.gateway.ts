import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { errorMessage } from '@rrl/contracts';
import type WebSocket from 'ws';
import { handleProtocols, tokenOfRequest } from './live-auth';
import { LiveHelloBuilder } from './live-hello.builder';
import { LiveLogFeed } from './live-log.feed';
import { LiveMessageHandler } from './live-message.handler';
import { encode } from './live-session';
import { LiveSessionRegistry } from './live-session.registry';
import { LiveTokenVerifier } from './live-token.verifier';
import { MAX_FRAME_BYTES } from './live.options';

/**
 * The live feed at /ws on the API's port: a client's connection and its end. What it then gets is
 * owned elsewhere: `metrics` ticks at its own rate (LiveTickScheduler), transitions and chaos and
 * loop-test events (LiveEventFanout), log lines (LiveLogFeed), answers to its messages
 * (LiveMessageHandler); every write goes through its LiveSession (bounded, see there).
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_FRAME_BYTES, handleProtocols })
export class LiveGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('Live');

  constructor(
    private readonly sessions: LiveSessionRegistry,
    private readonly tokens: LiveTokenVerifier,
    private readonly messages: LiveMessageHandler,
    private readonly hello: LiveHelloBuilder,
    private readonly logs: LiveLogFeed,
  ) {}

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const token = tokenOfRequest(request);
    const tokenProblem = token === null ? null : this.tokens.problemWith(token);
    const authorized = token !== null && tokenProblem === null;
    const session = this.sessions.open(socket, authorized);
    // WsAdapter logs every socket error with its stack; a client's oversized frame (ws closes it with
    // 1009) or broken connection is the client's problem: one debug line, so a public socket cannot flood the log.
    socket.removeAllListeners('error');
    socket.on('error', (e) => this.logger.debug(`live client error: ${errorMessage(e)}`));
    socket.on('message', (raw: Buffer, isBinary: boolean) => this.messages.onMessage(session, raw, isBinary));
    socket.send(encode('hello', this.hello.build(authorized)));
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
