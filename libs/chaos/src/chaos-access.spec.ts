import { Logger } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@rrl/config';
import { ChaosAccess } from './chaos-access';

const config = (token: string | null, redisHost: string | null): AppConfig =>
  loadConfig({ env: {}, overrides: { chaos: { token }, redis: { host: redisHost } } });

describe('ChaosAccess', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts exactly "Bearer <token>"; anything else is a 401', () => {
    const access = new ChaosAccess(config('s3cret-token-of-mine', '127.0.0.1'));
    expect(() => access.check('Bearer s3cret-token-of-mine')).not.toThrow();
    expect(() => access.check('bearer s3cret-token-of-mine')).not.toThrow();
    for (const header of [
      undefined,
      '',
      's3cret-token-of-mine',
      'Bearer',
      'Bearer S3CRET-TOKEN-OF-MINE',
      'Bearer s3cret-token-of-mine-of-mine2',
      'Basic czNjcmV0LXRva2VuLW9mLW1pbmU=',
    ]) {
      expect(() => access.check(header)).toThrow(expect.objectContaining({ statusCode: 401, code: 'UNAUTHORIZED' }));
    }
  });

  it('verify(): ten wrong tokens from one client, then 429 for it (even with the right token); others and tokenless requests are not counted', async () => {
    const access = new ChaosAccess(config('s3cret-token-of-mine', '127.0.0.1'));
    // A right token costs nothing, however often.
    for (let i = 0; i < 20; i++) await access.verify('Bearer s3cret-token-of-mine', '10.0.0.1');
    // No token is no guess.
    for (let i = 0; i < 20; i++) await expect(access.verify(undefined, '10.0.0.1')).rejects.toMatchObject({ statusCode: 401 });
    const guesses = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => access.verify(`Bearer guess-${i}`, '10.0.0.1')));
    const codes = guesses.map((g) => (g.status === 'rejected' ? (g.reason as { code: string }).code : 'OK'));
    // A concurrent burst is counted as it arrives: ten answered, the rest refused uncompared.
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(2);
    await expect(access.verify('Bearer s3cret-token-of-mine', '10.0.0.1')).rejects.toMatchObject({
      statusCode: 429,
      retryAfterS: expect.any(Number),
    });
    await access.verify('Bearer s3cret-token-of-mine', '10.0.0.2');
  });

  it('without a token and with an external Redis every route is a 403 saying how to enable it', () => {
    const access = new ChaosAccess(config(null, '127.0.0.1'));
    expect(access.enabled).toBe(false);
    expect(() => access.check('Bearer anything')).toThrow(
      expect.objectContaining({ statusCode: 403, code: 'CHAOS_DISABLED', message: expect.stringContaining('CHAOS_TOKEN') }),
    );
  });

  it('in the embedded default it generates a token and logs it once, at boot; a configured token is never logged', () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const access = new ChaosAccess(config(null, null));
    access.onApplicationBootstrap();
    expect(access.generated).toBe(true);
    expect(log).toHaveBeenCalledTimes(1);
    const token = /: (\S+)$/.exec(String(log.mock.calls[0][0]))![1];
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(() => access.check(`Bearer ${token}`)).not.toThrow();
    // Each boot has its own token.
    expect(() => new ChaosAccess(config(null, null)).check(`Bearer ${token}`)).toThrow(expect.objectContaining({ statusCode: 401 }));

    log.mockClear();
    const configured = new ChaosAccess(config('a-token-of-my-own-0123', null));
    configured.onApplicationBootstrap();
    expect(configured.generated).toBe(false);
    expect(log).not.toHaveBeenCalled();
  });
});
