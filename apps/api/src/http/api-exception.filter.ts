import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { AppError, ERROR_CODES, type ApiErrorBody, type ErrorCode } from '@rrl/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Status codes Nest/Fastify raise themselves, mapped to our stable codes. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  [HttpStatus.BAD_REQUEST]: ERROR_CODES.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ERROR_CODES.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ERROR_CODES.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ERROR_CODES.NOT_FOUND,
  [HttpStatus.CONFLICT]: ERROR_CODES.CONFLICT,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ERROR_CODES.PAYLOAD_TOO_LARGE,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ERROR_CODES.VALIDATION_FAILED,
  [HttpStatus.SERVICE_UNAVAILABLE]: ERROR_CODES.STORES_UNAVAILABLE,
};

/** Fastify's own errors (body parsing) carry a statusCode and an FST_ code. */
interface FastifyError {
  statusCode: number;
  code?: string;
  message: string;
}
const isFastifyError = (e: unknown): e is FastifyError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as FastifyError).statusCode === 'number' &&
  String((e as FastifyError).code ?? '').startsWith('FST_');

/** Terminus's failed-check report: { status: 'error', info, error, details }. */
interface HealthReport {
  status: 'error';
  error: Record<string, unknown>;
  details: Record<string, unknown>;
}
function healthReport(exception: unknown): HealthReport | null {
  if (!(exception instanceof HttpException)) return null;
  const res = exception.getResponse() as Partial<HealthReport> | string;
  return typeof res === 'object' && res.status === 'error' && res.details && res.error ? (res as HealthReport) : null;
}

/** The one place errors become HTTP: every client gets { statusCode, code, message, details? }. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const { method, url } = http.getRequest<FastifyRequest>();
    const report = healthReport(exception);
    if (report) {
      // A failed readiness check is an answer, not a server fault: the probe (and the person
      // reading it) gets terminus's report naming the failing dependency, and the log one line.
      this.logger.warn(`${method} ${url} -> 503 not ready: ${JSON.stringify(report.error)}`);
      void http.getResponse<FastifyReply>().status(HttpStatus.SERVICE_UNAVAILABLE).send(report);
      return;
    }
    const body = this.toBody(exception);
    // The request line for failures (see logger.ts): one line, no body, no headers.
    const line = `${method} ${url} -> ${body.statusCode} ${body.code}: ${body.message}`;
    if (body.statusCode >= 500)
      this.logger.error(
        exception instanceof AppError ? line : `${line} ${exception instanceof Error ? (exception.stack ?? '') : String(exception)}`,
      );
    else this.logger.warn(line);
    const reply = http.getResponse<FastifyReply>();
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown): ApiErrorBody {
    if (exception instanceof AppError) return exception.toBody();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: string | string[] }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : (raw ?? exception.message);
      return { statusCode: status, code: CODE_BY_STATUS[status] ?? ERROR_CODES.INTERNAL, message };
    }
    if (isFastifyError(exception)) {
      const status = exception.statusCode;
      const message =
        exception.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `Request body is larger than the limit: ${exception.message}` : exception.message;
      return { statusCode: status, code: CODE_BY_STATUS[status] ?? ERROR_CODES.VALIDATION_FAILED, message };
    }
    return { statusCode: 500, code: ERROR_CODES.INTERNAL, message: 'Internal server error' };
  }
}
