import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ChaosAccess, TooManyAttemptsError } from '@rrl/chaos/nest';
import { AppError } from '@rrl/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorResponses } from './api-error.dto';

/**
 * Operator routes (chaos, loop tests, cache warm/flush, Redis reset) need the bearer token; the 401
 * says which scheme (RFC 6750), the 429 after too many wrong ones says when to retry (RFC 6585). A
 * route guard, not an app-wide hook: the user routes' hot path never runs it.
 */
@Injectable()
export class OperatorTokenGuard implements CanActivate {
  constructor(private readonly access: ChaosAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    try {
      await this.access.verify(request.headers.authorization, request.ip);
      return true;
    } catch (e) {
      const reply = http.getResponse<FastifyReply>();
      if (e instanceof TooManyAttemptsError) void reply.header('retry-after', String(e.retryAfterS));
      else if (e instanceof AppError && e.statusCode === 401) void reply.header('www-authenticate', 'Bearer realm="operator"');
      throw e;
    }
  }
}

/** On a controller or a route: the operator token is needed, and OpenAPI says so. */
export const OperatorOnly = () => applyDecorators(ApiBearerAuth(), ApiErrorResponses(401, 403, 429), UseGuards(OperatorTokenGuard));
