/**
 * Most users one API request may insert (POST /api/loadtests with seed: true). A million is the
 * largest data set the docs seed (`npm run seed -- --count 1000000`): a few hundred MB on SQLite
 * and a minute or two of inserts, which a lab run needs and a disk survives. Larger sets are the
 * seed CLI's job, run by whoever owns the database.
 */
export const MAX_SEED_USERS_PER_REQUEST = 1_000_000;
