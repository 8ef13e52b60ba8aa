import { CreateRunHistory1764200000000 } from './1764200000000-create-run-history';

/** The history library's migrations, oldest first; libs/database runs them at connect. */
export const HISTORY_MIGRATIONS = [CreateRunHistory1764200000000];
