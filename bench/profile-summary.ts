/**
 * V8 profiles summarised: a CPU profile (.cpuprofile: `node --cpu-prof`, or the inspector's
 * Profiler.stop) by self time, a sampling heap profile (.heapprofile) by bytes allocated; the top
 * functions, and the same grouped by where the code lives (a package under node_modules, the app's
 * own dist, Node's internals). Alone:
 *   node -r esbuild-register bench/profile-summary.ts <file> [requests served while profiled]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface HeapNode {
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: HeapNode[];
}
export interface HeapProfile {
  head: HeapNode;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: "fastify", "@nestjs/platform-fastify", "app: libs/cache", "node: internal/http", "(garbage collector)". */
function placeOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`.replace(/^\(\((.*)\)\)$/, '($1)');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const own = /\/(apps\/[^/]+|libs\/[^/]+)\//.exec(url);
  return own ? `app: ${own[1]}` : url;
}

const frameName = ({ functionName, url, lineNumber }: ProfileNode['callFrame']) => {
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

function table(m: Map<string, number>, total: number, top: number, perRequest: (v: number) => string): string {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %${perRequest(v)}  ${k}`)
    .join('\n');
}

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

/**
 * Self time per function and per place, in % of the busy samples, and in µs per request when the
 * number of requests the process served while profiled is given; `top` rows of each.
 */
export function summariseProfile(profile: CpuProfile, { top = 25, requests }: { top?: number; requests?: number } = {}): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  // Percentages of the time the process was busy: idle samples (waiting for I/O) are left out.
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id);
  for (const id of idle) selfUs.delete(id);
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    add(byFunction, frameName(frame), us);
    add(byPlace, placeOf(frame.url, frame.functionName), us);
  }
  const perRequestUs = (us: number) => (requests ? ` ${(us / requests).toFixed(2).padStart(6)} µs` : '');
  const perRequest = requests ? `, ${(total / requests).toFixed(1)} µs per request over ${requests} requests` : '';
  return (
    `CPU profile: ${(total / 1e6).toFixed(1)} s busy of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s${perRequest} (percentages of busy)` +
    `\n\ntop functions by self time:\n${table(byFunction, total, top, perRequestUs)}\n\nby place:\n${table(byPlace, total, top, perRequestUs)}`
  );
}

/** Bytes allocated per function and per place (a sampling profile that kept collected objects too). */
export function summariseHeapProfile(profile: HeapProfile, { top = 25, requests }: { top?: number; requests?: number } = {}): string {
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode) => {
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(byFunction, frameName(node.callFrame), node.selfSize);
      add(byPlace, placeOf(node.callFrame.url, node.callFrame.functionName), node.selfSize);
    }
    node.children.forEach(walk);
  };
  walk(profile.head);
  const perRequestB = (b: number) => (requests ? ` ${(b / requests).toFixed(0).padStart(6)} B` : '');
  const perRequest = requests ? `, ${(total / requests).toFixed(0)} B per request over ${requests} requests` : '';
  return (
    `heap profile: ${(total / 2 ** 20).toFixed(1)} MB allocated${perRequest}` +
    `\n\ntop functions by bytes allocated:\n${table(byFunction, total, top, perRequestB)}\n\nby place:\n${table(byPlace, total, top, perRequestB)}`
  );
}

if (require.main === module) {
  const requests = process.argv[3] ? Number(process.argv[3]) : undefined;
  const profile: unknown = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  console.log(
    process.argv[2].endsWith('.heapprofile')
      ? summariseHeapProfile(profile as HeapProfile, { requests })
      : summariseProfile(profile as CpuProfile, { requests }),
  );
}
