import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** docker-compose (Debian's package) renders the file the way `docker compose up` will read it. */
function renderCompose(env: Record<string, string> = {}): string {
  // Only PATH from the caller: a CHAOS_TOKEN (or any other variable) in the runner's environment must not hide a default.
  return execFileSync('docker-compose', ['-f', path.join(ROOT, 'docker-compose.yml'), 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

describe('docker-compose.yml', () => {
  it('is valid and wires the API, Redis and MySQL the way the README says', () => {
    const rendered = renderCompose();
    // The API on 8000 with a /health healthcheck, configured through the seed's variable names.
    expect(rendered).toMatch(/published: 8000|8000:8000/);
    expect(rendered).toMatch(/127\.0\.0\.1:8000\/health/);
    for (const name of [
      'REDIS_HOST: redis',
      'MYSQL_HOST: mysql',
      'REDIS_MAX_RETRIES',
      'MYSQL_DATABASE',
      'MYSQL_USER',
      'MYSQL_PASSWORD',
      'CHAOS_TOKEN',
    ]) {
      expect(rendered).toContain(name);
    }
    // Redis and MySQL are chaos targets with healthchecks; the Docker socket goes to the API only.
    expect(rendered.match(/resilience-lab\.chaos: 'true'|resilience-lab\.chaos: "true"/g)).toHaveLength(2);
    expect(rendered).toMatch(/redis-cli/);
    expect(rendered).toMatch(/mysqladmin/);
    expect(rendered.match(/\/var\/run\/docker\.sock/g)?.length).toBeGreaterThanOrEqual(1);
    expect(rendered).toMatch(/condition: service_healthy/);
  });

  it('has no default chaos token: unset, the API gets an empty one (chaos off); set, it is passed through', () => {
    const unset = renderCompose();
    expect(unset).toMatch(/CHAOS_TOKEN: (''|"")\n/);
    expect(unset).not.toMatch(/change-me/);
    expect(renderCompose({ CHAOS_TOKEN: 'a-secret-of-my-own' })).toMatch(/CHAOS_TOKEN: a-secret-of-my-own\n/);
  });
});
