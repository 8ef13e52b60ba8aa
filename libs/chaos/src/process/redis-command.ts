import net from 'node:net';
import type { ChaosEndpoint } from '@rrl/contracts';

export interface RedisCommandOptions {
  /** Sent with AUTH first when set. */
  password?: string | null;
  timeoutMs?: number;
}

const encode = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/**
 * Runs one admin command (CONFIG SET, ...) on a Redis server on a throw-away connection and
 * returns its status reply ("OK"). Only status and error replies are understood: this is the
 * chaos lib's way to reconfigure a server (Docker or local) without depending on a client library.
 */
export function redisAdminCommand(endpoint: ChaosEndpoint, args: string[], opts: RedisCommandOptions = {}): Promise<string> {
  const commands = [...(opts.password ? [['AUTH', opts.password]] : []), args];
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint);
    let buf = '';
    const fail = (e: Error) => (socket.destroy(), reject(e));
    socket.setTimeout(opts.timeoutMs ?? 2000, () => fail(new Error(`redis ${endpoint.host}:${endpoint.port}: no reply to ${args[0]}`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (d) => {
      buf += d.toString('utf8');
      const replies = buf.split('\r\n').slice(0, -1);
      const failed = replies.findIndex((r) => r.startsWith('-'));
      if (failed >= 0) return fail(new Error(`redis ${commands[failed][0]} failed: ${replies[failed].slice(1)}`));
      if (replies.length < commands.length) return;
      socket.end();
      resolve(replies[commands.length - 1].replace(/^\+/, ''));
    });
  });
}
