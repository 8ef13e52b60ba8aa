import { CreateUsers1764000000000 } from './1764000000000-create-users';
import { CreatePendingInvalidations1764100000000 } from './1764100000000-create-pending-invalidations';
import { CreateRunHistory1764200000000 } from './1764200000000-create-run-history';

/** Every migration, oldest first; run at connect. */
export const USERS_MIGRATIONS = [CreateUsers1764000000000, CreatePendingInvalidations1764100000000, CreateRunHistory1764200000000];
