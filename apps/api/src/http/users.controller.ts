import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { UserCacheService } from '@rrl/cache';
import { AppError, ERROR_CODES, type Page, type UserDto, type UserReadResult } from '@rrl/contracts';
import { CreateUserDto, PageQueryDto, UpdateUserDto, UserResponseDto, UsersPageDto, UsersRepository } from '@rrl/users';
import { RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from './api-error.dto';
import { idParamPipe } from './id-param.pipe';
import { EmailQueryDto, UserReadResultDto } from './user-read.dto';
import { USER_READ_RESPONSE_SCHEMA } from './user-read.schema';

@ApiTags('users')
@ApiErrorResponses(400, 503)
// GET /api/users/:id, the hot read, is a plain Fastify route: see user-read.route.ts.
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly cache: UserCacheService,
    private readonly users: UsersRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List users, paged (straight from the database)' })
  @ApiOkResponse({ type: UsersPageDto })
  list(@Query() query: PageQueryDto): Promise<Page<UserDto>> {
    return this.users.findPage(query.page, query.pageSize);
  }

  @Get('by-email')
  @ApiOperation({ summary: 'Read one user by email, Redis first' })
  @ApiOkResponse({ type: UserReadResultDto })
  @ApiErrorResponses(404)
  @RouteSchema(USER_READ_RESPONSE_SCHEMA)
  async byEmail(@Query() query: EmailQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserReadResult> {
    return withSourceHeader(reply, await this.cache.getByEmail(query.email));
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (database first, then the cache)' })
  @ApiResponse({ status: 201, type: UserResponseDto })
  @ApiErrorResponses(409)
  create(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.cache.create(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a user (database first, then the cache)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrorResponses(404, 409)
  update(@Param('id', idParamPipe) id: number, @Body() body: UpdateUserDto): Promise<UserDto> {
    if (Object.keys(body).length === 0) {
      throw new AppError(ERROR_CODES.VALIDATION_FAILED, 'Request body must change at least one field', [
        { field: '(body)', problems: ['empty'] },
      ]);
    }
    return this.cache.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (database first, then the cache)' })
  @ApiNoContentResponse()
  @ApiErrorResponses(404)
  async remove(@Param('id', idParamPipe) id: number): Promise<void> {
    await this.cache.delete(id);
  }
}

function withSourceHeader(reply: FastifyReply, result: UserReadResult): UserReadResult {
  void reply.header('x-cache-source', result.source);
  return result;
}
