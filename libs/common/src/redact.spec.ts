import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('removes each listed secret and the password of any URL', () => {
    expect(redactSecrets('AUTH s3cret failed; again s3cret', ['s3cret'])).toBe('AUTH *** failed; again ***');
    expect(redactSecrets('cannot reach rediss://app:hunter2@db:6380/0', [])).toBe('cannot reach rediss://app:***@db:6380/0');
  });

  it('leaves a message without secrets as it is, and ignores empty secrets', () => {
    expect(redactSecrets('nothing to hide', ['', 'x1y2'])).toBe('nothing to hide');
  });
});
