import type { IncomingMessage } from 'node:http';

/** The subprotocol the server answers with; a browser passing a token as a subprotocol must offer it too. */
export const LIVE_PROTOCOL = 'rrl.live';
const BEARER_PROTOCOL = 'bearer.';

/**
 * ws's handleProtocols: answer "rrl.live" when offered. The token travels as a second offered
 * subprotocol ("bearer.<token>", the only header a browser WebSocket can set) and is never echoed.
 */
export function handleProtocols(protocols: Set<string>): string | false {
  return protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false;
}

/** The chaos token given at connect time: `?token=` or a "bearer.<token>" subprotocol; null when none. */
export function tokenOfRequest(request: IncomingMessage): string | null {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (query) return query;
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const bearer = offered.find((p) => p.startsWith(BEARER_PROTOCOL));
  return bearer ? bearer.slice(BEARER_PROTOCOL.length) : null;
}
