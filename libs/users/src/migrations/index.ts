import { CreateUsers1764000000000 } from './1764000000000-create-users';

/** Every migration, oldest first; run at connect. */
export const USERS_MIGRATIONS = [CreateUsers1764000000000];
