import { REDACTED } from '@rrl/common';

/** What a redis:// or rediss:// URL says; credentials decoded. */
export interface RedisUrlParts {
  tls: boolean;
  host: string;
  /** null when the URL names none (then 6379). */
  port: number | null;
  db: number | null;
  username: string | null;
  password: string | null;
}

const SCHEME = /^(rediss?):\/\//i;

/**
 * Parses a Redis URL the way a user writes one: the credentials end at the LAST "@", so a password
 * may hold "/", "#", "?" or "@" as they are (base64 and generated secrets do), or percent-encoded
 * (`%2F`, `%23`; RFC 3986, what WHATWG URL needs). Written by hand because URL() splits at "/" and
 * "#" first and then no longer sees the host. Errors never contain the password.
 */
export function parseRedisUrl(raw: string): RedisUrlParts {
  const scheme = SCHEME.exec(raw);
  if (!scheme) throw new Error(`must start with redis:// or rediss://: ${redactUrl(raw)}`);
  const rest = raw.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? rest.slice(0, at) : null;
  const location = at >= 0 ? rest.slice(at + 1) : rest;
  // host[:port][/db], IPv6 in brackets; nothing else (no query: the config has a key for each option).
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]?#]*)(?::(\d{1,5}))?(?:\/(\d{0,2}))?$/.exec(location);
  if (!match) throw new Error(`expected redis[s]://[user:password@]host[:port][/db]: ${redactUrl(raw)}`);
  const [, host, port, db] = match;
  const portNumber = port === undefined ? null : Number(port);
  if (portNumber !== null && (portNumber < 1 || portNumber > 65535)) throw new Error(`port out of range: ${redactUrl(raw)}`);
  const dbNumber = db ? Number(db) : null;
  if (dbNumber !== null && dbNumber > 15) throw new Error(`database index must be 0..15: ${redactUrl(raw)}`);
  const colon = userinfo?.indexOf(':') ?? -1;
  const user = userinfo === null ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = userinfo === null || colon < 0 ? null : userinfo.slice(colon + 1);
  return {
    tls: scheme[1].toLowerCase() === 'rediss',
    host: host.replace(/^\[|\]$/g, ''),
    port: portNumber,
    db: dbNumber,
    username: user ? decode(user) : null,
    password: password ? decode(password) : null,
  };
}

/** The URL with everything between "//" and the last "@" after the first ":" masked. */
export function redactUrl(raw: string): string {
  const scheme = SCHEME.exec(raw)?.[0] ?? '';
  const at = raw.lastIndexOf('@');
  if (at < scheme.length) return raw;
  const userinfo = raw.slice(scheme.length, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? raw : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}${raw.slice(at)}`;
}

/** Percent-decoding when the text is valid percent-encoding; otherwise the raw text (a lone "%" is a character). */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
