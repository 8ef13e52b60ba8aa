import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { USER_FIELDS, type Page, type UserDto, type UserFieldSpec } from '@rrl/contracts';

/** A field as OpenAPI 3.0 spells it (`nullable`, `format: date-time`). */
function openApiPropertyOf(field: UserFieldSpec): ApiPropertyOptions {
  const type = field.kind === 'date-time' ? 'string' : field.kind;
  return {
    type,
    ...(field.kind === 'date-time' ? { format: 'date-time' } : {}),
    ...(field.nullable ? { nullable: true } : {}),
    ...(field.example !== undefined ? { example: field.example } : {}),
  };
}

/** Documents every field of contracts' USER_FIELDS on the class (what @ApiProperty on each would do). */
function ApiPropertiesFromUserFields(): ClassDecorator {
  return (target) => {
    for (const [name, field] of Object.entries(USER_FIELDS) as [string, UserFieldSpec][]) {
      ApiProperty(openApiPropertyOf(field))(target.prototype as object, name);
    }
  };
}

/** OpenAPI model of contracts' UserDto: the properties are declared for the compiler, documented from USER_FIELDS. */
@ApiPropertiesFromUserFields()
export class UserResponseDto implements UserDto {
  id!: number;
  name!: string;
  email!: string;
  company!: string | null;
  city!: string | null;
  country!: string | null;
  active!: boolean;
  createdAt!: string;
  updatedAt!: string;
}

export class UsersPageDto implements Page<UserDto> {
  @ApiProperty({ type: [UserResponseDto] }) items!: UserResponseDto[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 20 }) pageSize!: number;
  @ApiProperty({ example: 10_000 }) total!: number;
}
