import { CreateUsers1764000000000 } from './1764000000000-create-users';
import { CreatePendingInvalidations1764100000000 } from './1764100000000-create-pending-invalidations';

/** Every migration, oldest first; run at connect. */
export const USERS_MIGRATIONS = [CreateUsers1764000000000, CreatePendingInvalidations1764100000000];
