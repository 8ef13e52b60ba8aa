import { parseRedisUrl, redactUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads a password holding "/", "#", "?" and "@" as it is, or percent-encoded, to the same value', () => {
    const raw = 'q/Zx#9k?w@Yb+e/T==';
    for (const written of [raw, encodeURIComponent(raw)]) {
      expect(parseRedisUrl(`rediss://app:${written}@db.example:6390/3`)).toEqual({
        tls: true,
        host: 'db.example',
        port: 6390,
        db: 3,
        username: 'app',
        password: raw,
      });
    }
  });

  it('keeps a lone "%" (not percent-encoding) as a character, and reads IPv6 hosts and bare URLs', () => {
    expect(parseRedisUrl('redis://:100%sure@[::1]:6379').password).toBe('100%sure');
    expect(parseRedisUrl('redis://[::1]:6379')).toMatchObject({ host: '::1', port: 6379, password: null });
    expect(parseRedisUrl('redis://cache')).toEqual({ tls: false, host: 'cache', port: null, db: null, username: null, password: null });
  });

  it('rejects what is not a Redis URL, never quoting the password', () => {
    for (const url of [
      'http://u:hunter2-pw@h:1',
      'redis://u:hunter2-pw@h:99999',
      'redis://u:hunter2-pw@h:1/16',
      'redis://u:hunter2-pw@h:1?x=1',
    ]) {
      expect(() => parseRedisUrl(url)).toThrow();
      try {
        parseRedisUrl(url);
      } catch (e) {
        expect((e as Error).message).not.toContain('hunter2-pw');
      }
    }
    expect(redactUrl('redis://u:a/b#c@h:1')).toBe('redis://u:***@h:1');
  });
});
