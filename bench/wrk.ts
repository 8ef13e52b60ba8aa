/**
 * wrk (Debian's `wrk` package, a C load generator) as the HTTP benches' client: one thread spends a
 * fraction of a core where a Node client (autocannon) spends most of one, so on a small machine the
 * servers measured keep the CPU. Every round also reports wrk's own CPU share, read from the kernel
 * (/proc/<pid>/stat), so a reader can see how much of the machine the client took.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux build since 2.6). */
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface WrkRound {
  requestsPerSec: number;
  requests: number;
  /** wrk's CPU (user + system) over the round's wall time: 1 = one whole core. */
  wrkCpuShare: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): index 0 is field 3, "state". */
function statFields(line: string): string[] {
  return line.slice(line.lastIndexOf(')') + 2).split(' ');
}

/** A process's CPU so far (user + system), seconds, from /proc/<pid>/stat fields 14 and 15. */
export function processCpuSeconds(pid: number): number {
  const f = statFields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** Fails with how to get wrk when it is not on PATH (scripts/bench-tools.sh installs it for `npm run bench`). */
export function assertWrkInstalled(): void {
  if (spawnSync('wrk', ['--version']).error)
    throw new Error('wrk is not installed: `bash scripts/bench-tools.sh` installs it (apt-get install wrk, Debian/Ubuntu)');
}

/**
 * One wrk run against `url` (one thread, `connections` keep-alive connections, `seconds` long).
 * wrk runs under a shell that, once wrk has exited and been waited for, prints its own
 * /proc/<pid>/stat: fields 16 and 17 (cutime, cstime) are then exactly the CPU wrk used.
 */
export function runWrk(url: string, connections: number, seconds: number): Promise<WrkRound> {
  const script = 'wrk "$@" || exit $?; cat /proc/$$/stat';
  const args = ['-c', script, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, url];
  return new Promise((resolve, reject) => {
    execFile('sh', args, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk ${url}: ${error.message} ${stderr}`));
      const lines = stdout.trim().split('\n');
      const stat = statFields(lines.pop()!);
      const report = lines.join('\n');
      const requests = Number(/(\d+) requests in/.exec(report)?.[1]);
      const elapsed = /requests in ([\d.]+)(m?s)/.exec(report);
      const wallSeconds = elapsed ? Number(elapsed[1]) / (elapsed[2] === 'ms' ? 1000 : 1) : seconds;
      const bad = /Non-2xx or 3xx responses: (\d+)/.exec(report) ?? /Socket errors: (.*)/.exec(report);
      if (bad || !requests) return reject(new Error(`wrk ${url}: ${bad?.[0] ?? 'no requests'}\n${report}`));
      resolve({
        requests,
        requestsPerSec: requests / wallSeconds,
        wrkCpuShare: (Number(stat[13]) + Number(stat[14])) / TICKS_PER_SECOND / wallSeconds,
      });
    });
  });
}
