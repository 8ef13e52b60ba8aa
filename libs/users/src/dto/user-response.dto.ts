import { ApiProperty } from '@nestjs/swagger';
import type { Page, UserDto } from '@rrl/contracts';

/** OpenAPI description of contracts' UserDto. */
export class UserResponseDto implements UserDto {
  @ApiProperty({ example: 42 }) id!: number;
  @ApiProperty({ example: 'Ada Lovelace' }) name!: string;
  @ApiProperty({ example: 'ada@example.test' }) email!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Analytical Engines Ltd' }) company!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'London' }) city!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'United Kingdom' }) country!: string | null;
  @ApiProperty({ example: true }) active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UsersPageDto implements Page<UserDto> {
  @ApiProperty({ type: [UserResponseDto] }) items!: UserResponseDto[];
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 20 }) pageSize!: number;
  @ApiProperty({ example: 10_000 }) total!: number;
}
