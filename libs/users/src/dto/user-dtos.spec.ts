import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateUserDto } from './create-user.dto';
import { PageQueryDto } from './page-query.dto';
import { UpdateUserDto } from './update-user.dto';

function problems<T extends object>(cls: new () => T, body: object): string[] {
  return validateSync(plainToInstance(cls, body)).map((e) => e.property);
}

describe('user DTO validation', () => {
  it('accepts a minimal and a full create body', () => {
    expect(problems(CreateUserDto, { name: 'Ada', email: 'ada@example.test' })).toEqual([]);
    expect(
      problems(CreateUserDto, { name: 'Ada', email: 'ada@example.test', company: null, city: 'London', country: 'UK', active: false }),
    ).toEqual([]);
  });

  it('rejects an empty name, a bad or overlong email and overlong fields', () => {
    expect(problems(CreateUserDto, { name: '', email: 'not-an-email' })).toEqual(['name', 'email']);
    expect(problems(CreateUserDto, { name: 'x'.repeat(101), email: `${'a'.repeat(250)}@example.test` })).toEqual(['name', 'email']);
    expect(problems(CreateUserDto, { name: 'Ada', email: 'ada@example.test', city: 'c'.repeat(101), active: 'yes' })).toEqual([
      'city',
      'active',
    ]);
  });

  it('accepts a partial update but rejects an empty one (or one with only unknown keys)', () => {
    expect(problems(UpdateUserDto, { city: 'Paris' })).toEqual([]);
    expect(problems(UpdateUserDto, {})).toEqual(['body']);
    expect(problems(UpdateUserDto, { nickname: 'x' })).toEqual(['body']);
    expect(problems(UpdateUserDto, { email: 'nope' })).toEqual(['email']);
  });

  it('parses paging from query strings with defaults and bounds', () => {
    expect(plainToInstance(PageQueryDto, {})).toMatchObject({ page: 1, pageSize: 20 });
    expect(problems(PageQueryDto, { page: '3', pageSize: '100' })).toEqual([]);
    expect(problems(PageQueryDto, { page: '0', pageSize: '101' })).toEqual(['page', 'pageSize']);
  });
});
