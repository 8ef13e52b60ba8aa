/**
 * Slow WebSocket clients under a log flood: the API (built dist, its own child process so its RSS is
 * its own) with a local process printing LINES_PER_SECOND log lines as a chaos target; CLIENTS clients
 * on /ws of which STALLED never read (their socket is paused), LOG_SUBSCRIBERS readers plus every
 * stalled client subscribed to the flood, the rest on metrics ticks only; DURATION_S seconds.
 * Reports the API's RSS before and at its peak, the tick gaps the reading clients saw, and what
 * happened to the stalled clients. Target: RSS within 50 MB of before, reading clients' ticks on time.
 * Run: npx tsc -b apps/api/tsconfig.build.json && node -r esbuild-register bench/live-backpressure.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { ServerMessage } from '@rrl/contracts';
import WebSocket from 'ws';
import { percentile } from '@rrl/common';
import { benchConfig, writeResult } from './support';

const CLIENTS = Number(process.env.CLIENTS ?? 200);
const STALLED = Number(process.env.STALLED ?? 20);
const LOG_SUBSCRIBERS = Number(process.env.LOG_SUBSCRIBERS ?? 20);
const LINES_PER_SECOND = Number(process.env.LINES_PER_SECOND ?? 10_000);
const DURATION_S = Number(process.env.DURATION_S ?? 60);
const TOKEN = 'bench-live-token-0123456789';
const FLOOD_TARGET = 'process:flood';

/** The child: the real app (compiled), a private redis-server, SQLite in memory, the flood as a chaos target. */
async function server(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- the compiled API, as npm start runs it */
  const { createApp } = require('../apps/api/dist/app.factory') as typeof import('../apps/api/src/app.factory');
  const { prepareLabRuntime } = require('../apps/api/dist/embedded/lab-runtime') as typeof import('../apps/api/src/embedded/lab-runtime');
  const { ManagedProcess, RedisServerProcess } = require('@rrl/chaos') as typeof import('@rrl/chaos');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const perTick = Math.round(LINES_PER_SECOND / 100);
  const script = `console.log('ready'); let n = 0; setInterval(() => { let s = ''; for (let i = 0; i < ${perTick}; i++) s += 'flood line ' + (n++) + ' ' + 'x'.repeat(80) + '\\n'; process.stdout.write(s); }, 10);`;
  const flood = new ManagedProcess({
    name: 'flood',
    command: process.execPath,
    args: ['-e', script],
    readyLine: /^ready$/,
    logCapacity: 200,
  });
  const redis = await RedisServerProcess.start();
  await flood.start();
  const config = benchConfig(redis.port, {
    logging: { level: 'warn' },
    chaos: { token: TOKEN, probe: { readsPerSecond: 0 } },
  });
  const app = await createApp(await prepareLabRuntime(config, [{ process: flood, kind: 'other' }]));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as { port: number }).port;
  process.send?.({ port });
  const stop = async () => {
    await app.close();
    await flood.stop();
    await redis.stop();
    process.exit(0);
  };
  process.on('message', (m) => m === 'stop' && void stop());
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface Reader {
  ws: WebSocket;
  ticks: number[];
  logLines: number;
  dropped: number;
}

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url}/ws?token=${TOKEN}`);
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return ws;
}

async function main(): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, ['-r', 'esbuild-register', __filename, 'server'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { port: number }));
      child.once('exit', (code) => reject(new Error(`API exited (${code})`)));
    });
    const url = `ws://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 3000)); // settle after boot
    const before = rssMb(child.pid!);

    const readers: Reader[] = [];
    const stalled: WebSocket[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const ws = await connect(url);
      if (i < STALLED) {
        ws.send(JSON.stringify({ type: 'subscribe', data: { logs: [FLOOD_TARGET] } }));
        ws.pause();
        stalled.push(ws);
        continue;
      }
      const reader: Reader = { ws, ticks: [], logLines: 0, dropped: 0 };
      ws.on('message', (raw: Buffer) => {
        const m = JSON.parse(raw.toString()) as ServerMessage;
        if (m.type === 'metrics') reader.ticks.push(Date.now());
        else if (m.type === 'log') {
          reader.logLines += m.data.lines.length;
          reader.dropped += m.data.dropped ?? 0;
        }
      });
      if (readers.length < LOG_SUBSCRIBERS) ws.send(JSON.stringify({ type: 'subscribe', data: { logs: [FLOOD_TARGET] } }));
      readers.push(reader);
    }
    console.log(
      `live bench: ${CLIENTS} clients (${STALLED} never read, ${LOG_SUBSCRIBERS} reading the flood), ${LINES_PER_SECOND} lines/s, ${DURATION_S} s`,
    );

    const started = Date.now();
    let peak = before;
    while (Date.now() - started < DURATION_S * 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      peak = Math.max(peak, rssMb(child.pid!));
    }
    const after = rssMb(child.pid!);

    const gaps = readers.flatMap((r) =>
      r.ticks
        .filter((t) => t >= started)
        .slice(1)
        .map((t, i) => t - r.ticks.filter((x) => x >= started)[i]),
    );
    gaps.sort((a, b) => a - b);
    const ticksPerReader = readers.map((r) => r.ticks.filter((t) => t >= started).length);
    const flooded = readers.slice(0, LOG_SUBSCRIBERS);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    const terminated = gauge('rrl_live_clients_terminated_total');
    const connectedAtEnd = gauge('rrl_live_clients');

    const result = {
      clients: CLIENTS,
      stalled: STALLED,
      logSubscribers: LOG_SUBSCRIBERS,
      linesPerSecond: LINES_PER_SECOND,
      durationS: DURATION_S,
      rssMb: { before: round(before), peak: round(peak), after: round(after), peakDelta: round(peak - before) },
      ticks: {
        perReaderMin: Math.min(...ticksPerReader),
        perReaderMax: Math.max(...ticksPerReader),
        gapMs: { p50: percentile(gaps, 50), p99: percentile(gaps, 99), max: gaps[gaps.length - 1] ?? null },
      },
      floodReaders: {
        linesReceivedMin: Math.min(...flooded.map((r) => r.logLines)),
        droppedMax: Math.max(...flooded.map((r) => r.dropped)),
      },
      server: { clientsConnectedAtEnd: connectedAtEnd, clientsTerminated: terminated },
    };
    console.log(JSON.stringify(result, null, 2));
    const verdict = result.rssMb.peakDelta <= 50 ? 'met' : 'MISSED';
    console.log(
      `\nAPI RSS ${result.rssMb.before} MB before, peak ${result.rssMb.peak} MB (+${result.rssMb.peakDelta} MB; target <= +50 MB: ${verdict})`,
    );
    console.log(
      `reading clients: ${result.ticks.perReaderMin}–${result.ticks.perReaderMax} ticks in ${DURATION_S} s; gap p50 ${result.ticks.gapMs.p50} ms, p99 ${result.ticks.gapMs.p99} ms, max ${result.ticks.gapMs.max} ms`,
    );
    console.log(`clients terminated by the server: ${terminated}; connected at the end: ${connectedAtEnd} of ${CLIENTS}`);
    const { clients, stalled: stalledCount, logSubscribers, linesPerSecond, durationS, ...figures } = result;
    writeResult('live-backpressure', { clients, stalled: stalledCount, logSubscribers, linesPerSecond, durationS }, figures);
    readers.forEach((r) => r.ws.terminate());
    stalled.forEach((ws) => ws.terminate());
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

(process.argv[2] === 'server' ? server() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
