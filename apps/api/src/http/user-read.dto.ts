import { ApiProperty } from '@nestjs/swagger';
import { READ_SOURCES, type ReadSource, type UserReadResult } from '@rrl/contracts';
import { UserResponseDto } from '@rrl/users';
import { IsEmail, MaxLength } from 'class-validator';

export class EmailQueryDto {
  @ApiProperty({ example: 'user1@example.test' })
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class UserReadResultDto implements UserReadResult {
  @ApiProperty({ type: UserResponseDto }) user!: UserResponseDto;
  @ApiProperty({ enum: READ_SOURCES, description: '"redis" on a cache hit, "mysql" when the database answered' }) source!: ReadSource;
  @ApiProperty({ description: 'Wall time of the read in milliseconds' }) durationMs!: number;
}
