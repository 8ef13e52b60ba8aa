import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CreateUserInput } from '@rrl/contracts';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** Body of POST /api/users. Lengths match the users table columns. */
export class CreateUserDto implements CreateUserInput {
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  // 254 is the longest address SMTP can carry (RFC 5321 path limit).
  @ApiProperty({ example: 'ada@example.test', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ example: 'Analytical Engines Ltd', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  company?: string | null;

  @ApiPropertyOptional({ example: 'London', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string | null;

  @ApiPropertyOptional({ example: 'United Kingdom', maxLength: 100, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  country?: string | null;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
