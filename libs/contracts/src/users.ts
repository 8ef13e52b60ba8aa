export interface UserDto {
  id: number;
  name: string;
  email: string;
  company: string | null;
  city: string | null;
  country: string | null;
  active: boolean;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
}

export interface CreateUserInput {
  name: string;
  email: string;
  company?: string | null;
  city?: string | null;
  country?: string | null;
  active?: boolean;
}

export type UpdateUserInput = Partial<CreateUserInput>;

export const READ_SOURCES = ['redis', 'mysql'] as const;
/** Where a read was served from. "mysql" means the database, whichever driver runs it. */
export type ReadSource = (typeof READ_SOURCES)[number];

export interface UserReadResult {
  user: UserDto;
  source: ReadSource;
  /** Wall time of the read in milliseconds. */
  durationMs: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
