import {
  CLIENT_MESSAGE_TYPES,
  ERROR_CODES,
  FEED_TICK_LIMITS,
  METRICS_HISTORY_SECONDS,
  type ClientMessage,
  type ClientMessageType,
} from '@rrl/contracts';
import { MAX_MESSAGE_BYTES } from './live.options';

export type ParsedClientMessage = { ok: true; message: ClientMessage } | { ok: false; code: string; message: string };

const fail = (code: string, message: string): ParsedClientMessage => ({ ok: false, code, message });

/** Checks a client frame against ClientMessageMap; every problem becomes an answer, never a throw. */
export function parseClientMessage(raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ParsedClientMessage {
  const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
  if (buf.length > MAX_MESSAGE_BYTES)
    return fail(ERROR_CODES.PAYLOAD_TOO_LARGE, `message of ${buf.length} bytes; at most ${MAX_MESSAGE_BYTES}`);
  if (isBinary) return fail(ERROR_CODES.VALIDATION_FAILED, 'binary frames are not accepted: send JSON text');
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch {
    return fail(ERROR_CODES.VALIDATION_FAILED, 'not JSON: send {"type": ..., "data": ...}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(ERROR_CODES.VALIDATION_FAILED, 'expected an object {"type": ..., "data": ...}');
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.includes(type as ClientMessageType)) {
    return fail(ERROR_CODES.VALIDATION_FAILED, `unknown message type ${JSON.stringify(type)}; known: ${CLIENT_MESSAGE_TYPES.join(', ')}`);
  }
  if (typeof data !== 'object' || data === null)
    return fail(ERROR_CODES.VALIDATION_FAILED, `"${type}" needs data: ${DATA_SHAPES[type as ClientMessageType]}`);
  if (type === 'feed') return parseFeed(data);
  if (type === 'history') return parseHistory(data);
  const { logs, token } = data as { logs?: unknown; token?: unknown };
  if (!Array.isArray(logs) || logs.length === 0 || !logs.every((l) => typeof l === 'string' && l.length > 0 && l.length <= 256)) {
    return fail(ERROR_CODES.VALIDATION_FAILED, `"${type}": data.logs must be a non-empty list of target ids`);
  }
  if (token !== undefined && typeof token !== 'string')
    return fail(ERROR_CODES.VALIDATION_FAILED, `"${type}": data.token must be a string`);
  const ids = [...new Set(logs as string[])];
  const message: ClientMessage =
    type === 'subscribe'
      ? { type, data: { logs: ids, ...(token === undefined ? {} : { token }) } }
      : { type: 'unsubscribe', data: { logs: ids } };
  return { ok: true, message };
}

const DATA_SHAPES: Record<ClientMessageType, string> = {
  subscribe: '{ "logs": ["<target id>", ...], "token"?: "..." }',
  unsubscribe: '{ "logs": ["<target id>", ...] }',
  feed: `{ "tickMs": ${FEED_TICK_LIMITS.minMs}..${FEED_TICK_LIMITS.maxMs} or null to pause }`,
  history: `{ "seconds": 1..${METRICS_HISTORY_SECONDS} }`,
};

function parseFeed({ tickMs }: { tickMs?: unknown }): ParsedClientMessage {
  const { minMs, maxMs } = FEED_TICK_LIMITS;
  if (tickMs === null) return { ok: true, message: { type: 'feed', data: { tickMs: null } } };
  if (typeof tickMs !== 'number' || !Number.isInteger(tickMs) || tickMs < minMs || tickMs > maxMs) {
    return fail(
      ERROR_CODES.VALIDATION_FAILED,
      `"feed": data.tickMs must be a whole number of milliseconds from ${minMs} (${1000 / minMs} ticks a second at most) to ${maxMs}, or null to pause; got ${JSON.stringify(tickMs)}`,
    );
  }
  return { ok: true, message: { type: 'feed', data: { tickMs } } };
}

function parseHistory({ seconds }: { seconds?: unknown }): ParsedClientMessage {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > METRICS_HISTORY_SECONDS) {
    return fail(
      ERROR_CODES.VALIDATION_FAILED,
      `"history": data.seconds must be a whole number from 1 to ${METRICS_HISTORY_SECONDS} (the server keeps 15 minutes); got ${JSON.stringify(seconds)}`,
    );
  }
  return { ok: true, message: { type: 'history', data: { seconds } } };
}
