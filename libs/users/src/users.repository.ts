import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectAppConfig, type AppConfig } from '@rrl/config';
import { AppError, ERROR_CODES, type CreateUserInput, type Page, type UpdateUserInput, type UserDto } from '@rrl/contracts';
import { Between, MoreThanOrEqual, Repository } from 'typeorm';
import { DatabaseConnectionService, toDatabaseError } from '@rrl/database';
import { User } from './user.entity';
import { pickWritable, toUserDto } from './user.mapper';

export interface IdBatchOptions {
  fromId?: number;
  toId?: number;
  batchSize?: number;
}

export function userNotFound(id: number | string): AppError {
  return new AppError(ERROR_CODES.USER_NOT_FOUND, `User ${id} not found`);
}

/**
 * The only class that queries users. Every call is limited to mysql.queryTimeout, so a paused
 * database costs a request at most that long, and every failure leaves as an AppError:
 * 404 USER_NOT_FOUND, 409 EMAIL_TAKEN or 503 DATABASE_UNAVAILABLE.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly connection: DatabaseConnectionService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  /** null when the id is unknown (the cache negative-caches that). */
  async findById(id: number): Promise<UserDto | null> {
    const user = await this.run(() => this.users.findOneBy({ id }));
    return user ? toUserDto(user) : null;
  }

  async getById(id: number): Promise<UserDto> {
    const user = await this.findById(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  async findByEmail(email: string): Promise<UserDto | null> {
    const user = await this.run(() => this.users.findOneBy({ email }));
    return user ? toUserDto(user) : null;
  }

  async findPage(page: number, pageSize: number): Promise<Page<UserDto>> {
    const [rows, total] = await this.run(() =>
      this.users.findAndCount({ order: { id: 'ASC' }, skip: (page - 1) * pageSize, take: pageSize }),
    );
    return { items: rows.map(toUserDto), page, pageSize, total };
  }

  /** Users with fromId <= id <= toId, in id order, at most limit of them. */
  async findRange(fromId: number, toId: number, limit: number): Promise<UserDto[]> {
    const rows = await this.run(() => this.users.find({ where: { id: Between(fromId, toId) }, order: { id: 'ASC' }, take: limit }));
    return rows.map(toUserDto);
  }

  /** Keyset pagination over ids (no OFFSET), for cache warming over millions of rows. */
  async *iterateBatches({ fromId = 1, toId = Number.MAX_SAFE_INTEGER, batchSize = 1000 }: IdBatchOptions = {}): AsyncGenerator<UserDto[]> {
    let next = fromId;
    while (next <= toId) {
      const batch = await this.findRange(next, toId, batchSize);
      if (batch.length === 0) return;
      yield batch;
      next = batch[batch.length - 1].id + 1;
    }
  }

  /** Ids of users written (created or updated) at or after `since`, at most `limit`, newest first. */
  async findIdsUpdatedSince(since: Date, limit: number): Promise<number[]> {
    const rows = await this.run(() =>
      this.users.find({ select: { id: true }, where: { updatedAt: MoreThanOrEqual(since) }, order: { updatedAt: 'DESC' }, take: limit }),
    );
    return rows.map((r) => r.id);
  }

  async create(input: CreateUserInput): Promise<UserDto> {
    const entity = this.users.create({ company: null, city: null, country: null, active: true, ...pickWritable(input) });
    // TypeORM reads the generated id and timestamps back after the INSERT: no extra query needed.
    return toUserDto(await this.run(() => this.users.save(entity), input.email));
  }

  async update(id: number, input: UpdateUserInput): Promise<UserDto> {
    const changes = pickWritable(input);
    if (Object.keys(changes).length === 0) return this.getById(id);
    const result = await this.run(() => this.users.update({ id }, changes), input.email);
    if (!result.affected) throw userNotFound(id);
    return this.getById(id);
  }

  async delete(id: number): Promise<void> {
    const result = await this.run(() => this.users.delete({ id }));
    if (!result.affected) throw userNotFound(id);
  }

  async count(): Promise<number> {
    return this.run(() => this.users.count());
  }

  private async run<T>(query: () => Promise<T>, email?: string): Promise<T> {
    try {
      return await this.connection.run(query, this.config.mysql.queryTimeout);
    } catch (e) {
      throw toDatabaseError(
        e,
        () => new AppError(ERROR_CODES.EMAIL_TAKEN, email ? `Email ${email} is already taken` : 'Email is already taken'),
      );
    }
  }
}
