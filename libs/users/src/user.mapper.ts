import type { UpdateUserInput, UserDto } from '@rrl/contracts';
import type { User } from './user.entity';

/** SQLite hands booleans back as 0/1 and MySQL ids may come back as strings: normalise both. */
export function toUserDto(user: User): UserDto {
  return {
    id: Number(user.id),
    name: user.name,
    email: user.email,
    company: user.company ?? null,
    city: user.city ?? null,
    country: user.country ?? null,
    active: Boolean(user.active),
    createdAt: toIso(user.createdAt),
    updatedAt: toIso(user.updatedAt),
  };
}

function toIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Fields a client may set; anything else in an input object is ignored. */
export const USER_WRITABLE_FIELDS = ['name', 'email', 'company', 'city', 'country', 'active'] as const;

export function pickWritable(input: UpdateUserInput): UpdateUserInput {
  const out: Record<string, unknown> = {};
  for (const f of USER_WRITABLE_FIELDS) if (input[f] !== undefined) out[f] = input[f];
  return out;
}
