import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { ChaosAccess } from '@rrl/chaos/nest';
import { ConfigValidationError, loadConfig } from '@rrl/config';
import { createApp } from './app.factory';
import { createPinoLogger } from './logger';
import { PinoLoggerService } from './pino-logger.service';
import { prepareLabRuntime, releaseLabRuntime } from './embedded/lab-runtime';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  let loaded;
  try {
    loaded = loadConfig();
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  // Lines logged before the app exists (the managed redis-server's start) take the app's format too:
  // JSON through a pipe, readable on a terminal. createApp() hands Nest the app's own logger.
  Logger.overrideLogger(new PinoLoggerService(createPinoLogger(loaded)));
  const runtime = await prepareLabRuntime(loaded);
  const { config } = runtime;
  let chaosEnabled: boolean;
  // The bound socket's own address: the line names where the API really listens (0.0.0.0 = every interface).
  let address: string;
  try {
    const app = await createApp(runtime);
    await app.listen({ port: config.port, host: config.host });
    address = listeningUrl(app.getHttpServer().address() as AddressInfo);
    chaosEnabled = app.get(ChaosAccess).enabled;
  } catch (e) {
    await releaseLabRuntime(runtime);
    throw e;
  }
  logger.log(
    `Listening on ${address} ` +
      `(database: ${config.databaseDriver}, redis: ${config.redisMode} ${config.redis.url ? '(url)' : `${config.redis.host}:${config.redis.port}`}); docs at /docs`,
  );
  // Chaos can stop containers through the Docker socket: never on a default token, but never silently off either.
  if (!chaosEnabled)
    logger.warn(
      'Chaos API disabled: no CHAOS_TOKEN set. To enable it, set CHAOS_TOKEN (config chaos.token) to a secret of your own, ' +
        'e.g. CHAOS_TOKEN=$(openssl rand -hex 24), and send it as "Authorization: Bearer <token>".',
    );
}

function listeningUrl({ address, family, port }: AddressInfo): string {
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}

// A stray rejection from a driver must never take the service down; log it loudly instead.
process.on('unhandledRejection', (reason) => new Logger('Process').error(`Unhandled rejection: ${String(reason)}`));

bootstrap().catch((e: unknown) => {
  new Logger('Bootstrap').error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
