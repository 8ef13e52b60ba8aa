import fs from 'node:fs';
import os from 'node:os';
import {
  AppError,
  ERROR_CODES,
  type ChaosTarget,
  type ChaosTargetKind,
  type ChaosTargetState,
  type LogLine,
  errorMessage,
} from '@rrl/contracts';
import { sleep } from '@rrl/common';
import type Docker from 'dockerode';
import { targetNotFound, notRunning, type ChaosDriver, type LogFollower, type NetworkChaos, type RedisAuthChaos } from './chaos-driver';
import { createDockerClient, dockerOptions, dockerStatus, isEngineUnreachable, type DockerConnectionOptions } from './docker-client';
import { DockerLogFollower } from './docker-log-follower';
import { parseLogBuffer } from './docker-log-lines';
import { setRequirePass } from '../redis-admin';

/** Only containers carrying this label set to "true" may be touched. */
export const CHAOS_LABEL = 'resilience-lab.chaos';
/** Optional label saying what a container is (redis | mysql) when the image name does not. */
export const KIND_LABEL = 'resilience-lab.kind';
/** Set by Docker Compose on every container of a stack. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
/**
 * What a target id may be before it goes into an engine path (/containers/<id>/...): a container id
 * or name as Docker itself allows them, so "../" or "?" can never reach another endpoint.
 */
const CONTAINER_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;

export interface DockerChaosDriverOptions extends DockerConnectionOptions {
  /** Seconds `stop` waits after SIGTERM before Docker sends SIGKILL (docker stop -t; Docker's default is 10). */
  stopTimeoutSec?: number;
  /**
   * Only containers of this compose project (com.docker.compose.project) may be touched. Unset or
   * null: the project of the API's own container when it runs in a compose stack (found by its
   * hostname, Docker's default), else no project check.
   */
  project?: string | null;
}

/** A network the driver disconnected a container from, to reconnect it the same way. */
interface DetachedNetwork {
  name: string;
  aliases?: string[];
}

/** A password set by setRedisPassword, valid while the container's run that got it lasts. */
interface LivePassword {
  password: string | null;
  startedAt: string;
}

const DEFAULT_PORTS: Partial<Record<ChaosTargetKind, string>> = { redis: '6379/tcp', mysql: '3306/tcp' };

function kindOf(info: Docker.ContainerInspectInfo): ChaosTargetKind {
  const label = info.Config.Labels?.[KIND_LABEL];
  if (label === 'redis' || label === 'mysql') return label;
  const image = info.Config.Image.toLowerCase();
  if (/redis|valkey|keydb/.test(image)) return 'redis';
  if (/mysql|mariadb|percona/.test(image)) return 'mysql';
  return 'other';
}

/** The password a container was started with (`--requirepass` in its command), if any. */
function configuredPassword(info: Docker.ContainerInspectInfo): string | null {
  const args = [...(info.Config.Entrypoint ?? []), ...(info.Config.Cmd ?? [])];
  const at = args.indexOf('--requirepass');
  return at >= 0 ? (args[at + 1] ?? null) : null;
}

function stateOf({ State: s }: Docker.ContainerInspectInfo): ChaosTargetState {
  if (s.Paused) return 'paused';
  if (s.Restarting) return 'starting';
  if (s.Running) return 'running';
  if (s.Status === 'created') return 'stopped';
  // A SIGTERM'd server exits 0 (or 143 when it does not catch the signal); anything else crashed.
  if (s.Status === 'exited') return s.ExitCode === 0 || s.ExitCode === 143 ? 'stopped' : 'exited';
  return s.Status === 'dead' ? 'exited' : 'unknown';
}

/**
 * Chaos on Docker containers (dockerode stays behind this class). Acts only on containers
 * labelled resilience-lab.chaos=true; stop and start are idempotent (Docker's 304 = already so).
 */
export class DockerChaosDriver implements ChaosDriver, NetworkChaos, RedisAuthChaos {
  readonly name = 'docker' as const;
  private client: Docker | null = null;
  private readonly stopTimeoutSec: number;
  private readonly detached = new Map<string, DetachedNetwork[]>();
  private readonly livePasswords = new Map<string, LivePassword>();
  private project: Promise<string | null> | null = null;

  constructor(private readonly options: DockerChaosDriverOptions = {}) {
    this.stopTimeoutSec = options.stopTimeoutSec ?? 10;
  }

  /** Created on first use: an API that never reaches a Docker engine does not load dockerode (see createDockerClient). */
  private get docker(): Docker {
    return (this.client ??= createDockerClient(this.options));
  }

  /**
   * No engine socket where the config points (a host without Docker, the API's own container): the
   * engine is unreachable, said without loading dockerode. The live feed lists targets at boot, so
   * without this check every API would carry it.
   */
  private assertSocket(): void {
    const { socketPath } = dockerOptions(this.options);
    if (this.client || !socketPath || fs.existsSync(socketPath)) return;
    throw Object.assign(new Error(`connect ENOENT ${socketPath}`), { code: 'ENOENT' });
  }

  async list(): Promise<ChaosTarget[]> {
    const project = await this.scope();
    const label = [`${CHAOS_LABEL}=true`, ...(project ? [`${COMPOSE_PROJECT_LABEL}=${project}`] : [])];
    const summaries = await this.call(() => this.docker.listContainers({ all: true, filters: { label } }));
    const infos = await Promise.all(summaries.map((c) => this.call(() => this.docker.getContainer(c.Id).inspect()).catch(() => null)));
    return infos.filter((i): i is Docker.ContainerInspectInfo => !!i).map((i) => this.toTarget(i));
  }

  async inspect(id: string): Promise<ChaosTarget> {
    return this.toTarget(await this.require(id));
  }

  async kill(id: string): Promise<void> {
    const info = await this.require(id);
    if (!info.State.Running) return;
    await this.call(() => this.docker.getContainer(info.Id).kill({ signal: 'SIGKILL' }), id, [409]);
  }

  async stop(id: string): Promise<void> {
    const info = await this.require(id);
    // A frozen process cannot handle SIGTERM: thaw it first or stop waits the whole timeout.
    if (info.State.Paused) await this.call(() => this.docker.getContainer(info.Id).unpause(), id, [409]);
    await this.call(() => this.docker.getContainer(info.Id).stop({ t: this.stopTimeoutSec }), id, [304]);
  }

  async start(id: string): Promise<void> {
    const info = await this.require(id);
    if (info.State.Paused) return this.unpause(id);
    await this.call(() => this.docker.getContainer(info.Id).start(), id, [304]);
  }

  async restart(id: string, downtimeMs: number): Promise<void> {
    await this.stop(id);
    if (downtimeMs > 0) await sleep(downtimeMs);
    await this.start(id);
  }

  async pause(id: string): Promise<void> {
    const info = await this.require(id);
    if (info.State.Paused) return;
    if (!info.State.Running) throw notRunning(this.toTarget(info), 'pause');
    await this.call(() => this.docker.getContainer(info.Id).pause(), id);
  }

  async unpause(id: string): Promise<void> {
    const info = await this.require(id);
    if (!info.State.Paused) return;
    await this.call(() => this.docker.getContainer(info.Id).unpause(), id, [409]);
  }

  async logs(id: string, tail: number): Promise<LogLine[]> {
    const info = await this.require(id);
    const body = await this.call(
      () => this.docker.getContainer(info.Id).logs({ follow: false, stdout: true, stderr: true, timestamps: true, tail }),
      id,
    );
    const lines = await parseLogBuffer(this.docker.modem.demuxStream.bind(this.docker.modem), body);
    return lines.slice(-tail).map(({ rawTs: _, ...l }) => l);
  }

  /** The label check and the attachment are asynchronous: a refused or unknown id goes to onError. */
  followLogs(id: string, onLine: (l: LogLine) => void, onError: (e: Error) => void = () => undefined): LogFollower {
    let follower: DockerLogFollower | null = null;
    let closed = false;
    const ready = this.require(id)
      .then(async (info) => {
        if (closed) return;
        follower = new DockerLogFollower(this.docker, info.Id, onLine, onError);
        await follower.open();
      })
      .catch((e: Error) => {
        follower?.close();
        if (!closed) onError(e);
      });
    return { ready, close: () => ((closed = true), follower?.close()) };
  }

  /** Cuts the container off every network it is on (a partition); remembers them for networkConnect. */
  async networkDisconnect(id: string): Promise<void> {
    const info = await this.require(id);
    const networks = Object.entries(info.NetworkSettings.Networks ?? {});
    if (networks.length === 0) return;
    const saved: DetachedNetwork[] = networks.map(([name, ep]) => ({
      name,
      // Docker adds the short id as an alias itself, and the default bridge refuses aliases.
      aliases: name === 'bridge' ? undefined : (ep.Aliases as string[] | null | undefined)?.filter((a) => !info.Id.startsWith(a)),
    }));
    for (const { name } of saved) await this.call(() => this.docker.getNetwork(name).disconnect({ Container: info.Id, Force: true }), id);
    this.detached.set(info.Id, [...(this.detached.get(info.Id) ?? []), ...saved]);
  }

  /** Heals a partition: reconnects the networks networkDisconnect removed (the default bridge if it forgot them). */
  async networkConnect(id: string): Promise<void> {
    const info = await this.require(id);
    const attached = Object.keys(info.NetworkSettings.Networks ?? {});
    const saved = this.detached.get(info.Id) ?? (attached.length === 0 ? [{ name: 'bridge' }] : []);
    for (const net of saved.filter((n) => !attached.includes(n.name))) {
      const EndpointConfig = net.aliases?.length ? { Aliases: net.aliases } : {};
      await this.call(() => this.docker.getNetwork(net.name).connect({ Container: info.Id, EndpointConfig }), id);
    }
    this.detached.delete(info.Id);
  }

  /**
   * CONFIG SET requirepass through the published port. The current password is the last one set
   * here during this run of the container, else the `--requirepass` it was started with.
   */
  async setRedisPassword(id: string, next: string | null): Promise<void> {
    const info = await this.require(id);
    const target = this.toTarget(info);
    if (target.state !== 'running') throw notRunning(target, 'change the password of');
    if (target.kind !== 'redis' || !target.endpoint) {
      throw new AppError(
        ERROR_CODES.CONFLICT,
        `cannot change the password of '${target.name}': not a Redis container with a published port`,
      );
    }
    const live = this.livePasswords.get(info.Id);
    const current = live && live.startedAt === info.State.StartedAt ? live.password : configuredPassword(info);
    try {
      await setRequirePass(target.endpoint, current ?? null, next);
    } catch (e) {
      throw new AppError(ERROR_CODES.CONFLICT, `cannot change the password of '${target.name}': ${errorMessage(e)}`);
    }
    this.livePasswords.set(info.Id, { password: next, startedAt: info.State.StartedAt });
  }

  /** Inspects a container and refuses it unless it carries the chaos label (and belongs to the project in scope). */
  private async require(id: string): Promise<Docker.ContainerInspectInfo> {
    if (!CONTAINER_REF.test(id)) {
      throw new AppError(ERROR_CODES.VALIDATION_FAILED, `'${id.slice(0, 80)}' is not a container id or name`, [
        { field: 'target', problems: ['must be a container id or name: letters, digits, "_", "." and "-"'] },
      ]);
    }
    const info = await this.call(() => this.docker.getContainer(id).inspect(), id);
    const name = info.Name.replace(/^\//, '');
    if (info.Config.Labels?.[CHAOS_LABEL] !== 'true') {
      throw new AppError(
        ERROR_CODES.TARGET_NOT_CHAOS_ENABLED,
        `container '${name}' is not chaos-enabled: only containers labelled ${CHAOS_LABEL}=true can be targeted`,
      );
    }
    const project = await this.scope();
    if (project && info.Config.Labels[COMPOSE_PROJECT_LABEL] !== project) {
      throw new AppError(
        ERROR_CODES.TARGET_NOT_CHAOS_ENABLED,
        `container '${name}' belongs to another stack: only compose project '${project}' can be targeted`,
      );
    }
    return info;
  }

  /** The compose project in scope (options.project, else the API's own container's), looked up once. */
  private scope(): Promise<string | null> {
    if (this.options.project) return Promise.resolve(this.options.project);
    this.project ??= this.call(() => this.docker.getContainer(os.hostname()).inspect()).then(
      (self) => self.Config.Labels?.[COMPOSE_PROJECT_LABEL] ?? null,
      (e: unknown) => {
        // No such container: the API does not run in one of this engine's. Anything else (no engine)
        // is asked again next time.
        if (e instanceof AppError && e.code === ERROR_CODES.TARGET_NOT_FOUND) return null;
        this.project = null;
        throw e;
      },
    );
    return this.project;
  }

  private toTarget(info: Docker.ContainerInspectInfo): ChaosTarget {
    const kind = kindOf(info);
    return {
      id: info.Id.slice(0, 12),
      name: info.Name.replace(/^\//, ''),
      kind,
      driver: 'docker',
      state: stateOf(info),
      endpoint: this.endpointOf(info, kind),
      addresses: Object.values(info.NetworkSettings.Networks ?? {})
        .map((n) => n.IPAddress)
        .filter(Boolean),
      labels: info.Config.Labels ?? {},
    };
  }

  /** The published host port of the service port (6379 / 3306), else of the first published port. */
  private endpointOf(info: Docker.ContainerInspectInfo, kind: ChaosTargetKind): ChaosTarget['endpoint'] {
    // A stopped or partitioned container has no live mapping; fall back to the configured one.
    const live = info.NetworkSettings.Ports ?? {};
    const configured = (info.HostConfig.PortBindings ?? {}) as Docker.PortMap;
    for (const ports of [live, configured]) {
      const preferred = DEFAULT_PORTS[kind];
      const key = preferred && ports[preferred] ? preferred : Object.keys(ports).find((k) => ports[k]?.length);
      const binding = key ? ports[key]?.find((b) => b.HostPort) : undefined;
      if (binding) return { host: this.hostFor(binding.HostIp), port: Number(binding.HostPort) };
    }
    return undefined;
  }

  /** A wildcard bind is reached through the engine's host (this machine for a local socket). */
  private hostFor(hostIp = ''): string {
    if (hostIp && hostIp !== '0.0.0.0' && hostIp !== '::') return hostIp;
    return (this.docker.modem as { host?: string }).host ?? '127.0.0.1';
  }

  /** Runs an engine call, mapping its errors: 404 → TARGET_NOT_FOUND, no engine → 503; `ok` statuses mean "already so". */
  private async call<T>(fn: () => Promise<T>, id = '', ok: number[] = []): Promise<T> {
    try {
      this.assertSocket();
      return await fn();
    } catch (e) {
      const status = dockerStatus(e);
      if (status !== undefined && ok.includes(status)) return undefined as T;
      if (status === 404) throw targetNotFound(id, 'docker');
      if (isEngineUnreachable(e))
        throw new AppError(ERROR_CODES.CHAOS_DRIVER_UNAVAILABLE, `Docker engine unreachable: ${errorMessage(e)}${hint(e)}`);
      throw e;
    }
  }
}

/** EACCES on the socket: the API runs as a user outside the socket's group (Dockerfile, compose group_add). */
function hint(e: unknown): string {
  return (e as NodeJS.ErrnoException | null)?.code === 'EACCES'
    ? ' (this user may not use the Docker socket: give it the socket group, e.g. DOCKER_GID=$(stat -c %g /var/run/docker.sock), or use a socket proxy, see docs/chaos.md)'
    : '';
}
