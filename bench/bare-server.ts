/**
 * The HTTP benches' baseline, in its own process like the API it is compared with: a bare Fastify
 * route doing what a cache hit needs and nothing else (ioredis GET + JSON.parse, Fastify's default
 * serializer). Prints `listening <port>` once it answers.
 *   BARE_REDIS_PORT=6379 BARE_KEY_PREFIX=rrl:user: node -r esbuild-register bench/bare-server.ts
 */
import Fastify from 'fastify';
import { Redis } from 'ioredis';

async function main(): Promise<void> {
  const prefix = process.env.BARE_KEY_PREFIX!;
  const redis = new Redis({
    port: Number(process.env.BARE_REDIS_PORT),
    host: '127.0.0.1',
    // As the lab's client on its defaults: concurrent GETs share one write.
    enableAutoPipelining: true,
    // A benchmark baseline: a failure should fail the round, not wait in a queue.
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  await new Promise((r) => redis.once('ready', r));
  const app = Fastify();
  app.get<{ Params: { id: string } }>('/raw/:id', async (req) => JSON.parse((await redis.get(`${prefix}${req.params.id}`))!) as unknown);
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`listening ${(app.server.address() as { port: number }).port}`);
  process.once('SIGTERM', () => void app.close().then(() => redis.quit()));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
