import { Logger } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@rrl/config';
import { ChaosAccess } from './chaos-access';

const config = (token: string | null, redisHost: string | null): AppConfig =>
  loadConfig({ env: {}, overrides: { chaos: { token }, redis: { host: redisHost } } });

describe('ChaosAccess', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts exactly "Bearer <token>"; anything else is a 401', () => {
    const access = new ChaosAccess(config('s3cret-token', '127.0.0.1'));
    expect(() => access.check('Bearer s3cret-token')).not.toThrow();
    expect(() => access.check('bearer s3cret-token')).not.toThrow();
    for (const header of [
      undefined,
      '',
      's3cret-token',
      'Bearer',
      'Bearer s3cret-tokeN',
      'Bearer s3cret-token2',
      'Basic czNjcmV0LXRva2Vu',
    ]) {
      expect(() => access.check(header)).toThrow(expect.objectContaining({ statusCode: 401, code: 'UNAUTHORIZED' }));
    }
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
    const configured = new ChaosAccess(config('mine', null));
    configured.onApplicationBootstrap();
    expect(configured.generated).toBe(false);
    expect(log).not.toHaveBeenCalled();
  });
});
