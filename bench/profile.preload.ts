/**
 * Loaded into a server's process by bench/http-hit.ts (HIT_PROFILE=cpu or heap): SIGWINCH starts V8's
 * CPU profiler (cpu) or its sampling heap profiler counting every allocation, collected or not
 * (heap); the next SIGWINCH stops it and writes $RRL_PROFILE_DIR/<script>.cpuprofile or .heapprofile
 * (main.* for the API). By signal rather than `node --cpu-prof` because that writes only on a normal
 * exit, and the API ends on SIGTERM by re-raising it (Nest's shutdown hooks); and so the profile
 * holds the load, not the boot. SIGWINCH because Nest's shutdown hooks listen to the usual ones.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** Bytes between heap samples: small enough for a per-request figure over ~10⁵ requests. */
const HEAP_SAMPLING_INTERVAL = 1024;

const session = new Session();
session.connect();
const kind = process.env.RRL_PROFILE === 'heap' ? 'heap' : 'cpu';
let running = false;

async function toggle(): Promise<void> {
  running = !running;
  if (running && kind === 'cpu') return void (await session.post('Profiler.enable'), await session.post('Profiler.start'));
  if (running) {
    await session.post('HeapProfiler.enable');
    // The two include* options are V8's (not yet in Node's typings): count garbage too, i.e. every allocation.
    const sampling = {
      samplingInterval: HEAP_SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    };
    return void (await session.post('HeapProfiler.startSampling', sampling));
  }
  const { profile } = kind === 'cpu' ? await session.post('Profiler.stop') : await session.post('HeapProfiler.stopSampling');
  const file = path.join(process.env.RRL_PROFILE_DIR!, `${path.parse(process.argv[1]).name}.${kind}profile`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(profile));
  fs.renameSync(`${file}.tmp`, file);
}

process.on('SIGWINCH', () => void toggle());
