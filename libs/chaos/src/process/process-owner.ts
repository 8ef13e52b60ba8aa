import fs from 'node:fs';
import path from 'node:path';

/**
 * Which process owns a throw-away server (its temp folder, a test container), so that a later run
 * can tell a killed run's leftovers from a concurrent run's live ones. A pid alone could be
 * recycled, so the owner also records the process's start time; a pid from another pid
 * namespace (a container) cannot be judged from here and counts as alive.
 */
export interface ProcessOwner {
  pid: number;
  /** Clock ticks after boot (/proc/<pid>/stat field 22): a recycled pid starts later. */
  startTicks: number;
  /** The owner's pid namespace (readlink /proc/self/ns/pid). */
  pidNamespace: string;
}

/** The file in a temp folder that names its owner. */
export const OWNER_FILE = 'owner.json';

function startTicks(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (the state); a zombie has exited already.
  return fields[0] === 'Z' ? null : Number(fields[19]);
}

function pidNamespace(): string {
  return fs.readlinkSync('/proc/self/ns/pid');
}

/** This process, as an owner. */
export function currentOwner(): ProcessOwner {
  return { pid: process.pid, startTicks: startTicks(process.pid) ?? 0, pidNamespace: pidNamespace() };
}

/** False only when the owner's process is certainly gone (exited, or its pid now another process's). */
export function ownerAlive(owner: ProcessOwner): boolean {
  if (owner.pidNamespace !== pidNamespace()) return true;
  return startTicks(owner.pid) === owner.startTicks;
}

/** Records this process as the owner of dir. */
export function markOwner(dir: string): void {
  fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(currentOwner()));
}

/** The owner recorded in dir, or null when none is (or it is unreadable). */
export function readOwner(dir: string): ProcessOwner | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as ProcessOwner;
  } catch {
    return null;
  }
}
