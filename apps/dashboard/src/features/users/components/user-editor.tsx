import { useState } from 'react';
import type { CreateUserInput, UserDto } from '@rrl/contracts';
import { ErrorMessage } from '../../../components/error-message';
import { Field } from '../../../components/field';
import { useDeleteUser, useSaveUser, type Lookup } from '../api/users-api';

const FIELDS = ['name', 'email', 'company', 'city', 'country'] as const;

/**
 * Create or edit a user; after saving (or deleting) it reads the user again through the cache, so
 * the write-through shows: the new value, served from Redis (or the API's 404 after a delete).
 */
export function UserEditor({
  user,
  onClose,
  onReadAgain,
}: {
  user: UserDto | null;
  onClose: () => void;
  onReadAgain: (query: string) => Promise<Lookup | null>;
}) {
  const [form, setForm] = useState<CreateUserInput>(() => ({
    name: user?.name ?? '',
    email: user?.email ?? '',
    company: user?.company ?? '',
    city: user?.city ?? '',
    country: user?.country ?? '',
    active: user?.active ?? true,
  }));
  const [note, setNote] = useState<string | null>(null);
  const save = useSaveUser();
  const remove = useDeleteUser();

  const submit = async () => {
    const input = { ...form, company: form.company || null, city: form.city || null, country: form.country || null };
    const saved = await save.mutateAsync({ id: user?.id ?? null, input }).catch(() => null);
    if (!saved) return;
    const again = await onReadAgain(String(saved.id));
    setNote(
      again
        ? `Saved #${saved.id}, read again: served by ${again.result.source === 'redis' ? 'Redis' : 'MySQL'} with the new value.`
        : `Saved #${saved.id}.`,
    );
  };

  const del = async () => {
    if (!user) return;
    if ((await remove.mutateAsync(user.id).catch(() => 'failed')) === 'failed') return;
    setNote(`Deleted #${user.id}; reading it again…`);
    await onReadAgain(String(user.id));
    setNote(`Deleted #${user.id}: reading it again gets the API's "not found" (shown under the lookup), not a stale copy from Redis.`);
  };

  return (
    <div className="card" role="region" aria-labelledby="editor-title">
      <h2 id="editor-title">{user ? `Edit user #${user.id}` : 'New user'}</h2>
      <form
        className="grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {FIELDS.map((f) => (
          <Field key={f} label={f}>
            <input
              name={f}
              value={form[f] ?? ''}
              required={f === 'name' || f === 'email'}
              type={f === 'email' ? 'email' : 'text'}
              onChange={(e) => setForm({ ...form, [f]: e.target.value })}
            />
          </Field>
        ))}
        <label className="checkbox">
          <input type="checkbox" checked={form.active ?? true} onChange={(e) => setForm({ ...form, active: e.target.checked })} /> active
        </label>
        <div className="actions">
          <button type="submit" disabled={save.isPending}>
            {user ? 'Save and read again' : 'Create and read'}
          </button>
          {user && (
            <button type="button" className="danger" onClick={() => void del()} disabled={remove.isPending}>
              Delete
            </button>
          )}
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
      <ErrorMessage error={save.error} context="Save" />
      <ErrorMessage error={remove.error} context="Delete" />
      {note && (
        <p role="status" data-testid="editor-note">
          {note}
        </p>
      )}
    </div>
  );
}
