import { AppError, ERROR_CODES, errorMessage } from '@rrl/contracts';
import { ReplyError } from 'ioredis';
import { withAdmin } from '../redis-admin';
import { nodeName, type SentinelDescription } from './sentinel-description';

/**
 * Asks the app's sentinels (the first that answers, in the configured order) which node is the
 * master, and asks one to fail it over. Each question is a short-lived connection.
 */
export class SentinelAdmin {
  constructor(private readonly sentinel: SentinelDescription) {}

  get masterName(): string {
    return this.sentinel.masterName;
  }

  /** "host:port" of the master the sentinels name now. */
  async master(): Promise<string> {
    const reply = await this.ask(['get-master-addr-by-name', this.masterName]);
    if (!Array.isArray(reply) || reply.length < 2)
      throw new AppError(ERROR_CODES.CONFLICT, `the sentinels do not monitor a master named '${this.masterName}'`);
    return nodeName(String(reply[0]), String(reply[1]));
  }

  /** SENTINEL FAILOVER: promote a replica without any failure, as an operator does before maintenance. */
  async failover(): Promise<void> {
    await this.ask(['failover', this.masterName]);
  }

  private async ask(args: string[]): Promise<unknown> {
    const { nodes, username, password } = this.sentinel;
    const failures: string[] = [];
    for (const endpoint of nodes) {
      try {
        return await withAdmin({ endpoint, username, password }, (c) => c.call('SENTINEL', ...args));
      } catch (e) {
        failures.push(`${nodeName(endpoint.host, endpoint.port)}: ${errorMessage(e)}`);
        // A sentinel that answered with an error (NOGOODSLAVE, INPROG) speaks for all of them.
        if (e instanceof (ReplyError as ErrorConstructor)) break;
      }
    }
    throw new AppError(ERROR_CODES.CONFLICT, `SENTINEL ${args.join(' ')} failed: ${failures.join('; ')}`);
  }
}
