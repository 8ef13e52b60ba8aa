import { CreateUsers1764000000000 } from './1764000000000-create-users';
import { CreatePendingInvalidations1764100000000 } from './1764100000000-create-pending-invalidations';

/** The users library's migrations, oldest first; libs/database runs them at connect. */
export const USERS_MIGRATIONS = [CreateUsers1764000000000, CreatePendingInvalidations1764100000000];
