import { classifyRedisError, HeartbeatTimeoutError } from './redis-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classifyRedisError', () => {
  it.each([
    [withCode('connect ECONNREFUSED 127.0.0.1:6390', 'ECONNREFUSED'), 'refused'],
    [withCode('read ECONNRESET', 'ECONNRESET'), 'reset'],
    [withCode('write EPIPE', 'EPIPE'), 'reset'],
    [withCode('connect ETIMEDOUT', 'ETIMEDOUT'), 'timeout'],
    [new Error('Command timed out'), 'timeout'],
    [new HeartbeatTimeoutError(1000), 'heartbeat-timeout'],
    [new Error('NOAUTH Authentication required.'), 'auth'],
    [new Error('WRONGPASS invalid username-password pair or user is disabled.'), 'auth'],
    [new Error("NOPERM this user has no permissions to run the 'get' command"), 'auth'],
    [new Error('ERR AUTH <password> called without any password configured for the default user.'), 'auth'],
    [withCode('getaddrinfo ENOTFOUND redis.invalid', 'ENOTFOUND'), 'dns'],
    [withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [new Error('140:error:0A00010B:SSL routines::wrong version number'), 'tls'],
    [new Error('Connection is closed.'), 'closed'],
    [new Error('something else'), 'other'],
    ['not an error', 'other'],
  ])('%s → %s', (err, kind) => {
    expect(classifyRedisError(err)).toBe(kind);
  });
});
