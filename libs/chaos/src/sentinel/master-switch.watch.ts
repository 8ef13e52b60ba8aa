import { withTimeout } from '@rrl/common';
import { AppError, ERROR_CODES } from '@rrl/contracts';
import { Redis } from 'ioredis';
import { nodeName, type MasterSwitch, type SentinelDescription } from './sentinel-description';

const CHANNEL = '+switch-master';
/** A sentinel on this network answers in milliseconds; one that does not must not delay a run's start. */
const SUBSCRIBE_TIMEOUT_MS = 2000;
/** A sentinel restarted during a run: try again once a second (a run lasts seconds to minutes). */
const RESUBSCRIBE_DELAY_MS = 1000;

function subscriber(sentinel: SentinelDescription, index: number): Redis {
  const { host, port } = sentinel.nodes[index];
  const client = new Redis({
    host,
    port,
    username: sentinel.username ?? undefined,
    password: sentinel.password ?? undefined,
    lazyConnect: true, // subscribed below, with a time limit
    connectTimeout: SUBSCRIBE_TIMEOUT_MS,
    commandTimeout: SUBSCRIBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0, // SUBSCRIBE is sent once; a lost sentinel resubscribes on reconnect
    retryStrategy: () => RESUBSCRIBE_DELAY_MS,
    autoResubscribe: true, // the default, relied on: a reconnected sentinel keeps announcing
    enableOfflineQueue: false, // commands only on a live connection
    enableReadyCheck: false, // a sentinel's INFO says nothing we wait for
    protocol: 2, // plain pub/sub messages
    keyPrefix: '',
  });
  client.on('error', () => undefined); // a sentinel that is down is simply not heard from
  return client;
}

/**
 * Listens to every sentinel's `+switch-master` for the app's master, for the length of one run.
 * Each sentinel announces a switch; the first announcement of each switch is reported once.
 */
export class MasterSwitchWatch {
  private readonly switches: MasterSwitch[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly clients: Redis[],
    readonly listening: number,
  ) {}

  /** Subscribes on every sentinel (those that answer within 2 s); `onSwitch` hears each new switch. */
  static async start(sentinel: SentinelDescription, onSwitch: (s: MasterSwitch) => void): Promise<MasterSwitchWatch> {
    const clients = sentinel.nodes.map((_, i) => subscriber(sentinel, i));
    const subscribed = await Promise.allSettled(
      clients.map(async (c) => {
        await c.connect();
        await c.subscribe(CHANNEL);
      }),
    );
    const watch = new MasterSwitchWatch(clients, subscribed.filter((s) => s.status === 'fulfilled').length);
    for (const c of clients)
      c.on('message', (channel: string, text: string) => {
        if (channel === CHANNEL) watch.heard(sentinel.masterName, text, onSwitch);
      });
    return watch;
  }

  /**
   * The first switch received at or after `since` (ms since epoch); null when `signal` aborts first.
   * Rejects after `timeoutMs` without one: Sentinel did not promote a replica.
   */
  next(since: number, timeoutMs: number, signal: AbortSignal): Promise<MasterSwitch | null> {
    if (this.listening === 0)
      return Promise.reject(new AppError(ERROR_CODES.CONFLICT, 'no sentinel answered: cannot watch for +switch-master'));
    let check = (): void => undefined;
    const found = new Promise<MasterSwitch | null>((resolve) => {
      check = () => {
        const next = this.switches.find((s) => s.at >= since);
        if (next || signal.aborted) resolve(next ?? null);
      };
      this.waiters.add(check);
      signal.addEventListener('abort', check, { once: true });
      check();
    });
    const noPromotion = () =>
      new AppError(ERROR_CODES.CONFLICT, `Sentinel announced no new master (+switch-master) within ${timeoutMs} ms`);
    return withTimeout(found, timeoutMs, '+switch-master', noPromotion).finally(() => {
      this.waiters.delete(check);
      signal.removeEventListener('abort', check);
    });
  }

  close(): void {
    for (const c of this.clients) c.disconnect();
  }

  /** "<name> <old-ip> <old-port> <new-ip> <new-port>"; the other sentinels' copies of the latest switch are dropped. */
  private heard(masterName: string, text: string, onSwitch: (s: MasterSwitch) => void): void {
    const [name, oldHost, oldPort, newHost, newPort] = text.split(' ');
    if (name !== masterName) return;
    const s: MasterSwitch = { from: nodeName(oldHost, oldPort), to: nodeName(newHost, newPort), at: Date.now() };
    const last = this.switches.at(-1);
    if (last && last.from === s.from && last.to === s.to) return;
    this.switches.push(s);
    onSwitch(s);
    for (const w of [...this.waiters]) w();
  }
}
