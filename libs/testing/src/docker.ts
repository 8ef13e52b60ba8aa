import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sleep } from '@rrl/common';
import { errorMessage } from '@rrl/contracts';
import { CHAOS_LABEL, KIND_LABEL, createDockerClient, currentOwner, dockerStatus, freePort } from '@rrl/chaos';
import { loadConfig } from '@rrl/config';
import type Docker from 'dockerode';

const exec = promisify(execFile);

/** Marks every container these helpers create, so a crashed run's leftovers can be found. */
export const TEST_LABEL = 'resilience-lab.test';
/** The process that created the container (JSON ProcessOwner): its death makes the container a leftover. */
export const TEST_OWNER_LABEL = 'resilience-lab.test.owner';
export const DEFAULT_REDIS_IMAGE = 'rrl-redis:test';

let client: Docker | null = null;

/** The engine from the config (chaos.docker: DOCKER_HOST or the socket path). */
export function testDocker(): Docker {
  client ??= createDockerClient(loadConfig().chaos.docker);
  return client;
}

/** Fails (never skips) with a message saying how to get an engine when none answers. */
export async function ensureDocker(): Promise<Docker> {
  const docker = testDocker();
  try {
    await docker.ping();
  } catch (e) {
    const modem = docker.modem as { host?: string; port?: string; socketPath?: string };
    const where = modem.host ? `${modem.host}:${modem.port}` : String(modem.socketPath);
    throw new Error(`Docker engine unreachable at ${where} (${errorMessage(e)}). Start one with .ci/docker.sh (or set DOCKER_HOST).`, {
      cause: e,
    });
  }
  return docker;
}

/** Libraries the dynamic loader needs for `binary`, plus the loader itself (absolute paths). */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await exec('ldd', [binary]);
  return stdout
    .split('\n')
    .map((l) => /=>\s*(\/\S+)/.exec(l)?.[1] ?? /^\s*(\/\S+)/.exec(l)?.[1])
    .filter((p): p is string => !!p);
}

const DOCKERFILE = `FROM scratch
COPY rootfs/ /
COPY redis-server /usr/local/bin/redis-server
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-server"]
CMD ["--protected-mode", "no", "--save", "", "--appendonly", "no"]
`;

/**
 * A Redis image built FROM scratch out of the host's redis-server and the libraries ldd lists:
 * no registry is reachable from CI. Kept when the tag already exists.
 */
export async function buildRedisImage(tag = DEFAULT_REDIS_IMAGE, binary = '/usr/bin/redis-server'): Promise<string> {
  return buildImageOnce(tag, async (context) => {
    // The binary must be named redis-server: it picks its mode (server / check-rdb) from its name.
    fs.copyFileSync(fs.realpathSync(binary), path.join(context, 'redis-server'));
    for (const lib of await sharedLibraries(binary)) {
      const target = path.join(context, 'rootfs', lib);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(lib, target); // follows symlinks: the loader looks the file up by this name
    }
    fs.writeFileSync(path.join(context, 'Dockerfile'), DOCKERFILE);
    return ['Dockerfile', 'redis-server', 'rootfs'];
  });
}

/**
 * Builds `tag` from a temporary context that `fill` writes (it returns the paths to send), unless
 * the engine already has an image by that tag. Rejects with the build's own error.
 */
export async function buildImageOnce(
  tag: string,
  fill: (context: string) => Promise<string[]>,
  options: Omit<Docker.ImageBuildOptions, 't'> = {},
): Promise<string> {
  const docker = await ensureDocker();
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch (e) {
    if (dockerStatus(e) !== 404) throw e;
  }
  const context = fs.mkdtempSync(path.join(os.tmpdir(), `${tag.split(':')[0]}-`));
  try {
    const src = await fill(context);
    const stream = await docker.buildImage({ context, src }, { ...options, t: tag });
    const output = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) => (err ? reject(err) : resolve(res))),
    );
    const failed = output.find((o) => o.error);
    if (failed) throw new Error(`building ${tag} failed: ${failed.error}`);
    return tag;
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

export interface LabelledRedisOptions {
  /** Adds the resilience-lab.chaos=true label; without it the chaos driver must refuse the container. */
  chaos?: boolean;
  name: string;
  password?: string;
  image?: string;
  /** More labels (a compose project's, say). */
  labels?: Record<string, string>;
}

export interface RunningContainer {
  id: string;
  name: string;
  host: string;
  port: number;
}

/** Answers once Redis on host:port replies to PING (+PONG, or -NOAUTH when a password is set). */
export async function waitForRedisPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect({ host, port });
      let data = '';
      s.setTimeout(500, () => s.destroy());
      s.on('connect', () => s.write('PING\r\n'));
      s.on('data', (d) => ((data += d.toString()), s.destroy()));
      s.on('error', () => undefined);
      s.on('close', () => resolve(data));
    });
    if (/^(\+PONG|-NOAUTH)/.test(reply)) return;
    if (Date.now() > deadline)
      throw new Error(`redis on ${host}:${port} not ready after ${timeoutMs} ms (last reply: ${JSON.stringify(reply)})`);
    await sleep(50);
  }
}

/**
 * Starts a Redis container published on 127.0.0.1 and waits until it answers. The host port is
 * chosen up front (not left to Docker) so it stays the same across stop/start and restarts.
 */
export async function runLabelledRedis(opts: LabelledRedisOptions): Promise<RunningContainer> {
  const docker = await ensureDocker();
  const image = opts.image ?? (await buildRedisImage());
  const port = await freePort();
  const labels: Record<string, string> = {
    [TEST_LABEL]: 'true',
    [TEST_OWNER_LABEL]: JSON.stringify(currentOwner()),
    [KIND_LABEL]: 'redis',
    ...opts.labels,
  };
  if (opts.chaos ?? true) labels[CHAOS_LABEL] = 'true';
  const container = await docker.createContainer({
    name: opts.name,
    Image: image,
    Labels: labels,
    Cmd: ['--protected-mode', 'no', '--save', '', '--appendonly', 'no', ...(opts.password ? ['--requirepass', opts.password] : [])],
    ExposedPorts: { '6379/tcp': {} },
    HostConfig: { PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
  });
  await container.start();
  await waitForRedisPort('127.0.0.1', port);
  return { id: container.id, name: opts.name, host: '127.0.0.1', port };
}

/** Force-removes a container; a missing one is fine. */
export async function removeContainer(id: string): Promise<void> {
  try {
    await testDocker().getContainer(id).remove({ force: true, v: true });
  } catch (e) {
    if (dockerStatus(e) !== 404) throw e;
  }
}

/** A container name unique to this run, so parallel test files never collide. */
export function uniqueContainerName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}
