import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '@rrl/common';
import { ownerAlive, readOwner, type ProcessOwner } from '@rrl/chaos';
import { TEST_LABEL, TEST_OWNER_LABEL, testDocker } from './docker';

/** Temp folders of the throw-away servers (RedisServerProcess, MariaDbProcess, sentinels). */
const SERVER_FOLDER = /^rrl-(redis|mariadb|sentinel)-/;

export interface ClearedLeftovers {
  /** Temp folders removed, with the servers that still ran in them. */
  folders: Array<{ dir: string; killedPids: number[] }>;
  /** Names of test containers removed. */
  containers: string[];
}

/**
 * Clears what a killed test run left behind: servers in temp folders and labelled test
 * containers whose recorded owner process is gone. A concurrent run's (owner alive) and anything
 * without an owner record are left alone. The servers' databases (rrl_test_*) go with their
 * folders.
 */
export async function clearLeftovers(): Promise<ClearedLeftovers> {
  return { folders: await clearServerFolders(), containers: await clearContainers() };
}

async function clearServerFolders(): Promise<ClearedLeftovers['folders']> {
  const tmp = os.tmpdir();
  const orphaned = fs
    .readdirSync(tmp, { withFileTypes: true })
    .filter((e) => e.isDirectory() && SERVER_FOLDER.test(e.name))
    .map((e) => path.join(tmp, e.name))
    .filter((dir) => {
      const owner = readOwner(dir);
      return owner !== null && !ownerAlive(owner);
    });
  if (orphaned.length === 0) return [];
  const byFolder = processesByWorkingDir();
  const cleared: ClearedLeftovers['folders'] = [];
  for (const dir of orphaned) {
    // redis-server and mariadbd chdir into their folder (--dir, --datadir): that finds them even
    // though redis-server rewrites its command line.
    const pids = byFolder.get(folderKey(dir)) ?? [];
    await killAndWait(pids);
    fs.rmSync(dir, { recursive: true, force: true });
    cleared.push({ dir, killedPids: pids });
  }
  return cleared;
}

function folderKey(dir: string): string {
  const st = fs.statSync(dir);
  return `${st.dev}:${st.ino}`;
}

/** Every process this user may inspect, grouped by its working directory (device:inode). */
function processesByWorkingDir(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const key = folderKey(`/proc/${name}/cwd`);
      map.set(key, [...(map.get(key) ?? []), Number(name)]);
    } catch {
      // exited meanwhile, or not ours to inspect
    }
  }
  return map;
}

/** SIGKILL: the servers are throw-away, nothing in them is worth a clean shutdown. */
async function killAndWait(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + 5000;
  while (pids.some((pid) => fs.existsSync(`/proc/${pid}/cwd`)) && Date.now() < deadline) await sleep(20);
}

async function clearContainers(): Promise<string[]> {
  const docker = testDocker();
  try {
    await docker.ping();
  } catch {
    return []; // no engine, so no containers to clear; the tests that need one say so
  }
  const labelled = await docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } });
  const orphaned = labelled.filter((c) => {
    const owner = c.Labels[TEST_OWNER_LABEL];
    return owner !== undefined && !ownerAlive(JSON.parse(owner) as ProcessOwner);
  });
  await Promise.all(orphaned.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  return orphaned.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id);
}
