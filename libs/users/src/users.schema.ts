import type { DatabaseSchema } from '@rrl/database';
import { USERS_MIGRATIONS } from './migrations';
import { PendingInvalidation } from './pending-invalidation.entity';
import { User } from './user.entity';

/** The users library's tables (users, pending_invalidations), for DatabaseModule.forRoot. */
export const USERS_SCHEMA: DatabaseSchema = { entities: [User, PendingInvalidation], migrations: USERS_MIGRATIONS };
