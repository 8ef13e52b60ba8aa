import type { DatabaseSchema } from '@rrl/database';
import { HISTORY_MIGRATIONS } from './migrations';
import { ChaosRunRecord, LoadTestRunRecord } from './stored-run.entity';

/** The history library's tables (loadtest_runs, chaos_runs), for DatabaseModule.forRoot. */
export const HISTORY_SCHEMA: DatabaseSchema = { entities: [LoadTestRunRecord, ChaosRunRecord], migrations: HISTORY_MIGRATIONS };
