import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildImageOnce, sharedLibraries } from '@rrl/testing';

const exec = promisify(execFile);

/**
 * Local stand-ins for the images docker-compose.yml names (redis, mysql, the API's node runtime),
 * built FROM scratch out of this host's binaries: no registry is reachable from CI. Each build
 * context is a directory beside this file (Dockerfile and fixed files); the binaries, the libraries
 * ldd lists for them and generated content are added to a temporary copy at build time.
 */
export interface HostImages {
  redis: string;
  mariadb: string;
  node: string;
}

interface ImageSpec {
  /** The directory beside this file holding the Dockerfile. */
  context: string;
  /** Path in the image → host file (symlinks followed, so the file keeps the name the image uses). */
  files: Record<string, string>;
  /** Fills rootfs/ with content that cannot be hashed up front (a MariaDB datadir). */
  generate?: (rootfs: string) => Promise<void>;
}

const CONTEXTS = __dirname;

function which(name: string): string {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return fs.realpathSync(p);
  }
  throw new Error(`${name} not found on this host: scripts/test-services.sh installs it`);
}

/** Each binary at its path in the image, and every library it loads at the same path as on the host. */
async function withLibraries(binaries: Record<string, string>): Promise<Record<string, string>> {
  const files: Record<string, string> = { ...binaries };
  for (const host of Object.values(binaries)) for (const lib of await sharedLibraries(host)) files[lib] = lib;
  return files;
}

/** Every file under `dir` (recursive), as image path → host path. */
function tree(dir: string, imageDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const host = path.join(dir, entry.name);
    const image = path.posix.join(imageDir, entry.name);
    if (entry.isDirectory()) Object.assign(out, tree(host, image));
    else out[image] = host;
  }
  return out;
}

async function specs(): Promise<Record<keyof HostImages, ImageSpec>> {
  const mariadbd = which('mariadbd');
  return {
    redis: {
      context: 'redis',
      // redis-server picks its mode (server, sentinel, check-rdb) from its name: keep the name.
      files: await withLibraries({
        '/usr/local/bin/redis-server': which('redis-server'),
        '/usr/local/bin/redis-cli': which('redis-cli'),
        '/bin/sh': which('dash'),
      }),
      // The ha profile's sentinels write their config file to /tmp.
      generate: (rootfs) => fs.promises.mkdir(path.join(rootfs, 'tmp'), { recursive: true }).then(() => undefined),
    },
    mariadb: {
      context: 'mariadb',
      files: {
        ...(await withLibraries({ '/usr/local/bin/mariadbd': mariadbd, '/usr/local/bin/mysqladmin': which('mariadb-admin') })),
        ...tree('/usr/share/mysql/charsets', '/usr/share/mysql/charsets'),
        ...tree('/usr/share/mysql/english', '/usr/share/mysql/english'),
        '/etc/mysql/init.sql': path.join(CONTEXTS, 'mariadb/init.sql'),
      },
      generate: async (rootfs) => {
        // mariadbd --user=root looks root up in /etc/passwd.
        fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
        fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
        fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\n');
        for (const dir of ['tmp', 'run/mysqld']) fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
        const datadir = path.join(rootfs, 'var/lib/mysql');
        await exec('mariadb-install-db', [
          '--no-defaults',
          `--datadir=${datadir}`,
          '--user=root',
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--basedir=/usr',
        ]);
      },
    },
    node: {
      context: 'node',
      files: await withLibraries({ '/usr/local/bin/node': which('node') }),
      generate: async (rootfs) => {
        await fs.promises.mkdir(path.join(rootfs, 'tmp'), { recursive: true });
      },
    },
  };
}

/** The tag names the content: the Dockerfile, every file copied in and its path in the image. */
async function contentTag(name: string, spec: ImageSpec): Promise<string> {
  const hash = crypto.createHash('sha256');
  hash.update(String(spec.generate ?? '')); // a change in what is generated makes a new image too
  hash.update(fs.readFileSync(path.join(CONTEXTS, spec.context, 'Dockerfile')));
  for (const [image, host] of Object.entries(spec.files).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`\0${image}\0`);
    await new Promise<void>((resolve, reject) =>
      fs
        .createReadStream(host)
        .on('data', (d) => hash.update(d))
        .on('end', resolve)
        .on('error', reject),
    );
  }
  return `rrl-compose-${name}:${hash.digest('hex').slice(0, 16)}`;
}

async function buildOne(name: string, spec: ImageSpec): Promise<string> {
  return buildImageOnce(
    await contentTag(name, spec), // same content already built: nothing to do
    async (context) => {
      const rootfs = path.join(context, 'rootfs');
      for (const [image, host] of Object.entries(spec.files)) {
        const target = path.join(rootfs, image);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(host, target); // follows symlinks: the loader looks a library up by this name
        fs.chmodSync(target, fs.statSync(host).mode);
      }
      await spec.generate?.(rootfs);
      fs.copyFileSync(path.join(CONTEXTS, spec.context, 'Dockerfile'), path.join(context, 'Dockerfile'));
      return ['Dockerfile', 'rootfs'];
    },
    { rm: true, forcerm: true },
  );
}

/** Builds (or finds, by content hash) the three stand-in images. */
export async function buildHostImages(): Promise<HostImages> {
  const all = await specs();
  // One after the other: the machine is shared and each build is mostly copying.
  const redis = await buildOne('redis', all.redis);
  const mariadb = await buildOne('mariadb', all.mariadb);
  const node = await buildOne('node', all.node);
  return { redis, mariadb, node };
}
