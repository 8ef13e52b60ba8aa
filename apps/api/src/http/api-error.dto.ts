import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_CODES, type ApiErrorBody, type ErrorCode } from '@rrl/contracts';

class FieldProblemDto {
  @ApiProperty({ example: 'email' }) field!: string;
  @ApiProperty({ type: [String], example: ['email must be an email'] }) problems!: string[];
}

export class ApiErrorDto implements ApiErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ enum: Object.values(ERROR_CODES), example: ERROR_CODES.VALIDATION_FAILED }) code!: ErrorCode;
  @ApiProperty({ example: 'Invalid request: email (email must be an email)' }) message!: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] }) details?: FieldProblemDto[];
}

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; details names each bad field',
  401: 'Missing or wrong bearer token',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  415: 'The body is not application/json',
  429: 'Too many wrong operator tokens from this client; Retry-After says when to try again',
  503: 'A store the request needs is unreachable',
};

/** Documents the JSON error body for each status in OpenAPI. */
export const ApiErrorResponses = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ApiErrorDto })));
