import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, testDocker, waitFor } from '@rrl/testing';
import { labClient, type LabClient } from '../support/lab-client';
import { buildHostImages } from './host-images';

const exec = promisify(execFile);

const ROOT = path.resolve(__dirname, '../../../..');
const OVERRIDE = path.join(__dirname, 'docker-compose.test.yml');
export const COMPOSE_CHAOS_TOKEN = 'compose-test-chaos-token-0123456789';
const PROJECT_LABEL = 'com.docker.compose.project';

/** `docker compose` (v2 plugin) when the host has it, else Debian's docker-compose (v1.29 reads the same file). */
async function composeCommand(): Promise<string[]> {
  try {
    await exec('docker', ['compose', 'version']);
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

/**
 * docker-compose.yml started for real on the local engine, with docker-compose.test.yml swapping
 * in the stand-in images, under a project name of its own and the API on a free host port.
 */
export class ComposeStack implements LabClient {
  private constructor(
    readonly project: string,
    readonly url: string,
    /** The ha profile's API (api-ha). */
    readonly ha: LabClient,
    private readonly command: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly profiles: string[],
  ) {}

  static async up(opts: { profiles?: string[] } = {}): Promise<ComposeStack> {
    for (const built of ['apps/api/dist/main.js', 'apps/dashboard/dist/index.html'])
      if (!fs.existsSync(path.join(ROOT, built)))
        throw new Error(`${built} missing: the stack runs the built app, run npm run build first`);
    const images = await buildHostImages();
    const port = await freePort();
    const haPort = await freePort();
    const project = `rrltest${process.pid}${Date.now().toString(36)}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DOCKER_HOST: process.env.DOCKER_HOST,
      API_PORT: String(port),
      API_HA_PORT: String(haPort),
      CHAOS_TOKEN: COMPOSE_CHAOS_TOKEN,
      RRL_REDIS_IMAGE: images.redis,
      RRL_MARIADB_IMAGE: images.mariadb,
      RRL_NODE_IMAGE: images.node,
      RRL_APP_DIR: ROOT,
    };
    const stack = new ComposeStack(
      project,
      `http://127.0.0.1:${port}`,
      labClient(`http://127.0.0.1:${haPort}`),
      await composeCommand(),
      env,
      opts.profiles ?? [],
    );
    try {
      await stack.compose('up', '-d', '--no-build');
    } catch (e) {
      await stack.down();
      throw e;
    }
    return stack;
  }

  /** Runs one compose subcommand for this project; its output comes back. */
  async compose(...args: string[]): Promise<string> {
    const [bin, ...pre] = this.command;
    const profileArgs = this.profiles.flatMap((p) => ['--profile', p]);
    const { stdout, stderr } = await exec(
      bin,
      [...pre, '-p', this.project, '-f', path.join(ROOT, 'docker-compose.yml'), '-f', OVERRIDE, ...profileArgs, ...args],
      { cwd: ROOT, env: this.env, maxBuffer: 32 * 1024 * 1024 },
    );
    return stdout + stderr;
  }

  /** Every container of the project, running or not. */
  async containers() {
    return testDocker().listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${this.project}`] } });
  }

  async networks() {
    return (await testDocker().listNetworks({ filters: { label: [`${PROJECT_LABEL}=${this.project}`] } })).map((n) => n.Name);
  }

  /** The container of `service` (compose names it <project>_<service>_1 or <project>-<service>-1). */
  async container(service: string) {
    const found = (await this.containers()).find((c) => c.Labels['com.docker.compose.service'] === service);
    if (!found) throw new Error(`no container for service ${service} in ${this.project}`);
    return found;
  }

  /** Waits for the service's own healthcheck (the one in docker-compose.yml) to report healthy. */
  async untilHealthy(service: string, timeoutMs = 180_000): Promise<void> {
    const { Id } = await this.container(service);
    await waitFor(
      `${service} healthy`,
      async () => {
        const info = await testDocker().getContainer(Id).inspect();
        if (info.State.Status === 'exited') throw new Error(`${service} exited (${info.State.ExitCode}):\n${await this.logs(service)}`);
        return info.State.Health?.Status === 'healthy';
      },
      timeoutMs,
      500,
    );
  }

  async logs(service: string): Promise<string> {
    return this.compose('logs', '--no-color', '--tail=40', service).catch((e: Error) => e.message);
  }

  get<T>(p: string) {
    return labClient(this.url).get<T>(p);
  }

  send<T>(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
    return labClient(this.url).send<T>(method, p, body, headers);
  }

  /** `compose down`: containers, the project's network and anonymous volumes go. */
  async down(): Promise<void> {
    await this.compose('down', '-v', '--remove-orphans', '--timeout', '5');
  }
}
