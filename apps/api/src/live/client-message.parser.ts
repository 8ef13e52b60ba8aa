import { CLIENT_MESSAGE_TYPES, ERROR_CODES, type ClientMessage, type ClientMessageType } from '@rrl/contracts';
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
    return fail(ERROR_CODES.VALIDATION_FAILED, `"${type}" needs data: { "logs": ["<target id>", ...] }`);
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
