import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ChaosAccess } from '@rrl/chaos/nest';
import { AppError } from '@rrl/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Every chaos route needs the bearer token; the 401 says which scheme (RFC 6750). */
@Injectable()
export class ChaosAuthGuard implements CanActivate {
  constructor(private readonly access: ChaosAccess) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    try {
      this.access.check(http.getRequest<FastifyRequest>().headers.authorization);
      return true;
    } catch (e) {
      if (e instanceof AppError && e.statusCode === 401)
        void http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="chaos"');
      throw e;
    }
  }
}
