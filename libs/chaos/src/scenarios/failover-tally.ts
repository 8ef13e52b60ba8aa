import type { FailoverMetrics, ReadOutcome, RedisStateTransition, WriteOutcome } from '@rrl/contracts';
import type { MasterSwitch } from '../sentinel/sentinel-description';

/**
 * A Sentinel master switch as the app lived it: which node served each read (the node the
 * connection was on when the read was served from Redis), when Sentinel announced the switch,
 * when the app first read from the new master, and the writes acknowledged in between.
 * Pure bookkeeping, fed by the run's recorder.
 */
export class FailoverTally {
  private readonly redisReadsByNode = new Map<string, number>();
  private databaseReads = 0;
  private readonly writes = { total: 0, redisUpdated: 0, markedPending: 0 };
  private promotion: MasterSwitch | null = null;
  /** The master is the node the connection was on when the fault was issued: a lagging sentinel may announce another "from". */
  private oldMaster: string | null = null;
  private timeToPromotionMs: number | null = null;
  private firstNewMasterReadAt: number | null = null;

  /** `node`: where the connection is when the run starts. */
  constructor(private node: string | null) {}

  get promoted(): MasterSwitch | null {
    return this.promotion;
  }

  onTransition(t: RedisStateTransition): void {
    if (t.to === 'ready') this.node = t.node ?? this.node;
    else if (t.from === 'ready') this.node = null;
  }

  /** True when this read is the first the new master served after the announcement. */
  onRead(o: ReadOutcome, now: number): boolean {
    if (!o.ok) return false;
    if (o.source === 'mysql') this.databaseReads++;
    if (o.source !== 'redis') return false;
    const node = this.node ?? 'unknown';
    this.redisReadsByNode.set(node, (this.redisReadsByNode.get(node) ?? 0) + 1);
    if (this.promotion === null || this.firstNewMasterReadAt !== null || node !== this.promotion.to) return false;
    this.firstNewMasterReadAt = now;
    return true;
  }

  /** Counts writes from the fault until the app reads from the new master. */
  onWrite(w: WriteOutcome, faultIssued: boolean): void {
    if (!faultIssued || this.firstNewMasterReadAt !== null) return;
    this.writes.total++;
    this.writes[w.redisUpdated ? 'redisUpdated' : 'markedPending']++;
  }

  faultIssued(): void {
    this.oldMaster ??= this.node;
  }

  /** The first switch after the fault to another node is the one measured; true when this is it. */
  switched(s: MasterSwitch, actionAt: number | null): boolean {
    if (actionAt === null || this.promotion !== null || s.to === this.oldMaster) return false;
    this.promotion = s;
    this.timeToPromotionMs = s.at - actionAt;
    return true;
  }

  metrics(): FailoverMetrics {
    const p = this.promotion;
    const readsOn = (node: string | undefined) => (node ? (this.redisReadsByNode.get(node) ?? 0) : 0);
    const redisReads = [...this.redisReadsByNode.values()].reduce((a, b) => a + b, 0);
    const old = p ? (this.oldMaster ?? p.from) : null;
    const oldMaster = readsOn(old ?? undefined);
    const newMaster = readsOn(p?.to);
    return {
      oldMaster: old,
      newMaster: p?.to ?? null,
      timeToPromotionMs: this.timeToPromotionMs,
      timeToNewMasterReadMs: p && this.firstNewMasterReadAt !== null ? this.firstNewMasterReadAt - p.at : null,
      readsByNode: { oldMaster, database: this.databaseReads, newMaster, other: redisReads - oldMaster - newMaster },
      writesDuringSwitch: { ...this.writes },
    };
  }
}
