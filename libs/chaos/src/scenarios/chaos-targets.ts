import {
  AppError,
  ERROR_CODES,
  type ChaosDriverName,
  type ChaosTarget,
  type ChaosTargetsResponse,
  type LogLine,
  errorMessage,
} from '@rrl/contracts';
import { withTimeout } from '@rrl/common';
import type { ChaosDriver, LogFollower } from '../drivers';
import type { ResolvedTarget } from './scenario';

/** How long GET /targets waits on a driver (a remote Docker engine that does not answer). */
const LIST_TIMEOUT_MS = 3000;

/**
 * Every driver's targets under one id space: "<driver>:<driver's id>" ("process:redis-6390",
 * "docker:3f2a9c..."), so an id names one target whatever drivers are configured.
 */
export class ChaosTargets {
  private readonly drivers = new Map<ChaosDriverName, ChaosDriver>();

  constructor(drivers: ChaosDriver[]) {
    for (const d of drivers) this.drivers.set(d.name, d);
  }

  /** Every driver's targets; a driver that cannot answer (no Docker engine) is reported, not thrown. */
  async list(): Promise<Omit<ChaosTargetsResponse, 'proxy'>> {
    const answers = await Promise.all(
      [...this.drivers.values()].map(async (d) => {
        try {
          const targets = await withTimeout(d.list(), LIST_TIMEOUT_MS, `${d.name} driver`);
          return { driver: { name: d.name, available: true }, targets: targets.map((t) => this.qualify(t)) };
        } catch (e) {
          return { driver: { name: d.name, available: false, error: errorMessage(e) }, targets: [] };
        }
      }),
    );
    return { targets: answers.flatMap((a) => a.targets), drivers: answers.map((a) => a.driver) };
  }

  /** The target and its driver; 404 for an id no driver knows (or without a driver prefix). */
  async resolve(id: string): Promise<ResolvedTarget> {
    const colon = id.indexOf(':');
    const driver = colon > 0 ? this.drivers.get(id.slice(0, colon) as ChaosDriverName) : undefined;
    if (!driver) {
      throw new AppError(
        ERROR_CODES.TARGET_NOT_FOUND,
        `no chaos target '${id}': ids are "<driver>:<name>" (${[...this.drivers.keys()].join(', ')}) as GET /api/chaos/targets lists them`,
      );
    }
    const localId = id.slice(colon + 1);
    const target = this.qualify(
      await driver.inspect(localId).catch((e: unknown) => {
        // The driver knows its own ids only; say which id the client sent.
        throw e instanceof AppError && e.code === ERROR_CODES.TARGET_NOT_FOUND ? new AppError(e.code, `no chaos target '${id}'`) : e;
      }),
    );
    return { id: target.id, localId, driver, target };
  }

  async logs(id: string, tail: number): Promise<LogLine[]> {
    const { driver, localId } = await this.resolve(id);
    return driver.logs(localId, tail);
  }

  /** New lines of a target as they are written (404 for an unknown id); close() the follower to stop. */
  async followLogs(id: string, onLine: (l: LogLine) => void, onError: (e: Error) => void): Promise<LogFollower> {
    const { driver, localId } = await this.resolve(id);
    return driver.followLogs(localId, onLine, onError);
  }

  private qualify(t: ChaosTarget): ChaosTarget {
    return { ...t, id: `${t.driver}:${t.id}` };
  }
}
