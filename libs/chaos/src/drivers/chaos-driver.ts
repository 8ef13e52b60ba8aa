import { AppError, ERROR_CODES, type ChaosDriverName, type ChaosTarget, type LogLine } from '@rrl/contracts';

/** A live log subscription; close() ends it and releases its connection. */
export interface LogFollower {
  /** Settles once following has begun (new lines will arrive), or has failed (the failure went to onError). Never rejects. */
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * What a chaos scenario may do to a target, whatever runs it (a Docker container or a local
 * process). Every method throws AppError 404 TARGET_NOT_FOUND for an unknown id.
 */
export interface ChaosDriver {
  readonly name: ChaosDriverName;
  list(): Promise<ChaosTarget[]>;
  inspect(id: string): Promise<ChaosTarget>;
  /** SIGKILL: a crash, nothing flushed. */
  kill(id: string): Promise<void>;
  /** A clean stop (SIGTERM); stopping a stopped target is a no-op. */
  stop(id: string): Promise<void>;
  /** Starting a running target is a no-op. */
  start(id: string): Promise<void>;
  /** Stop, stay down for downtimeMs, start again with the same port and config. */
  restart(id: string, downtimeMs: number): Promise<void>;
  /** Freeze the target: it keeps its sockets open but answers nothing. Throws 409 when not running. */
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  /** The last `tail` lines of output, oldest first. */
  logs(id: string, tail: number): Promise<LogLine[]>;
  /**
   * New lines as they are written, across stops and restarts, until close(). May throw at once for
   * an unknown id; a failure found later (a refused or removed target, a lost engine) goes to onError.
   */
  followLogs(id: string, onLine: (l: LogLine) => void, onError?: (e: Error) => void): LogFollower;
}

/** Network partitions: only Docker can take a target off its networks (`docker network disconnect`). */
export interface NetworkChaos {
  /** Cuts the target off; clients' packets go nowhere. Idempotent. */
  networkDisconnect(id: string): Promise<void>;
  /** Heals a partition made by networkDisconnect. Idempotent. */
  networkConnect(id: string): Promise<void>;
}

/** Live credential changes on a Redis target (CONFIG SET requirepass): the auth-failure fault. */
export interface RedisAuthChaos {
  /**
   * Makes the server ask for `next` (null: no password) from now on; open connections stay
   * authenticated, new ones with the old password get WRONGPASS. Like a real server without
   * CONFIG REWRITE, the target's next start brings its configured password back.
   */
  setRedisPassword(id: string, next: string | null): Promise<void>;
}

export function supportsNetworkChaos(driver: ChaosDriver): driver is ChaosDriver & NetworkChaos {
  return typeof (driver as Partial<NetworkChaos>).networkDisconnect === 'function';
}

export function supportsRedisAuthChaos(driver: ChaosDriver): driver is ChaosDriver & RedisAuthChaos {
  return typeof (driver as Partial<RedisAuthChaos>).setRedisPassword === 'function';
}

export function targetNotFound(id: string, driver: ChaosDriverName): AppError {
  return new AppError(ERROR_CODES.TARGET_NOT_FOUND, `no ${driver} chaos target '${id}'`);
}

export function notRunning(target: ChaosTarget, action: string): AppError {
  return new AppError(ERROR_CODES.CONFLICT, `cannot ${action} '${target.name}': it is ${target.state}`);
}
