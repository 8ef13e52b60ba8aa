import type Docker from 'dockerode';

export interface DockerConnectionOptions {
  /** Unix socket of the engine; used when `host` is not set. */
  socketPath?: string;
  /** DOCKER_HOST-style address: unix:///path, tcp://host:port or http(s)://host:port. */
  host?: string | null;
}

/** Maps the config (`chaos.docker`) to dockerode options. */
export function dockerOptions({ socketPath = '/var/run/docker.sock', host }: DockerConnectionOptions = {}): Docker.DockerOptions {
  // Every key is given explicitly: docker-modem otherwise falls back to DOCKER_HOST from the
  // environment, and only libs/config may read it.
  const base = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined } as const;
  if (!host) return { ...base, socketPath };
  if (host.startsWith('unix://')) return { ...base, socketPath: host.slice('unix://'.length) || socketPath };
  const url = new URL(host.includes('//') ? host : `tcp://${host}`);
  const https = url.protocol === 'https:' || url.port === '2376';
  return { ...base, host: url.hostname, port: url.port || (https ? '2376' : '2375'), protocol: https ? 'https' : 'http' };
}

/**
 * Loads dockerode on first use, not with this module: docker-modem requires ssh2, whose poly1305
 * module allocates a 16 MB WebAssembly memory at load (the largest single object in the API's heap
 * snapshot under load), and an API that never talks to Docker should not carry it.
 */
export function createDockerClient(options: DockerConnectionOptions = {}): Docker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  const Dockerode = require('dockerode') as typeof Docker;
  return new Dockerode(dockerOptions(options));
}

/** The HTTP status of a Docker engine error (404 no such container, 304 not modified...). */
export function dockerStatus(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

/** True when the engine itself could not be reached (no socket, refused, DNS). */
export function isEngineUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (
    code === 'ENOENT' ||
    code === 'ECONNREFUSED' ||
    code === 'EACCES' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET'
  );
}
