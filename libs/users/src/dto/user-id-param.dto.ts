import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** :id path parameter; the upper bound is MySQL's signed INT maximum. */
export class UserIdParamDto {
  @ApiProperty({ minimum: 1, example: 42 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  id!: number;
}
