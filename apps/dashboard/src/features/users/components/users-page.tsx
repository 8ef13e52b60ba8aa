import { useState } from 'react';
import { ErrorMessage } from '../../../components/error-message';
import { useLookup, type Lookup } from '../api/users-api';
import { CacheTools } from './cache-tools';
import { LookupResults } from './lookup-results';
import { UserEditor } from './user-editor';

/** Look users up (and see where each read came from), change them (and see the write go through), warm or flush the cache. */
export function UsersPage() {
  const [query, setQuery] = useState('1');
  const [history, setHistory] = useState<Lookup[]>([]);
  const [editing, setEditing] = useState<Lookup['result']['user'] | null | 'new'>(null);
  const lookup = useLookup();

  const read = async (q: string) => {
    const l = await lookup.mutateAsync(q).catch(() => null);
    if (l) setHistory((h) => [l, ...h].slice(0, 8));
    return l;
  };

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <p className="lead">
        Look a user up twice: the first read comes from the database (MySQL or SQLite) and fills Redis, the second comes from Redis.
      </p>
      <div className="card">
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void read(query);
          }}
        >
          <label htmlFor="lookup">User id or email</label>
          <input id="lookup" value={query} onChange={(e) => setQuery(e.target.value)} required placeholder="42 or user42@example.test" />
          <button type="submit" disabled={lookup.isPending}>
            Look up
          </button>
          <button type="button" className="secondary" onClick={() => setEditing('new')}>
            New user
          </button>
        </form>
        <ErrorMessage error={lookup.error} context="Lookup" />
        <LookupResults lookups={history} onEdit={(u) => setEditing(u)} />
      </div>
      {editing && (
        <UserEditor
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onReadAgain={(q) => read(q)}
        />
      )}
      <CacheTools />
    </section>
  );
}
