import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { redactSecrets } from '@rrl/common';
import { AppError, ERROR_CODES, ERROR_STATUS, type ApiErrorBody, type ErrorCode } from '@rrl/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Status codes Nest raises itself (HttpException), mapped to our stable codes. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  [HttpStatus.BAD_REQUEST]: ERROR_CODES.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ERROR_CODES.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ERROR_CODES.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ERROR_CODES.NOT_FOUND,
  [HttpStatus.CONFLICT]: ERROR_CODES.CONFLICT,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ERROR_CODES.PAYLOAD_TOO_LARGE,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
  [HttpStatus.SERVICE_UNAVAILABLE]: ERROR_CODES.STORES_UNAVAILABLE,
};

/** Limits the API configures on Fastify, so that the errors they cause can name them. */
export interface HttpLimits {
  bodyLimitBytes: number;
  maxParamLength: number;
}

/** What the filter needs to know: the limits, and the configured secrets no error body may carry. */
export interface FilterOptions extends HttpLimits {
  secrets: readonly string[];
}

/** Fastify's own errors (router, body parsing) carry a statusCode and an FST_ code. */
interface FastifyError {
  statusCode: number;
  code: string;
  message: string;
}
const isFastifyError = (e: unknown): e is FastifyError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as FastifyError).statusCode === 'number' &&
  String((e as FastifyError).code ?? '').startsWith('FST_');

const invalid = (field: '(body)' | '(path)', message: string, problem: string) =>
  new AppError(ERROR_CODES.VALIDATION_FAILED, message, [{ field, problems: [problem] }]);

/**
 * Every Fastify error a client can cause, as one of our errors: a client switches on our codes, and
 * Fastify's (FST_ERR_…) would change with the framework. Any other FST_ error falls back on its status.
 */
function fromFastify(e: FastifyError, request: FastifyRequest, limits: HttpLimits): AppError {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
        `Content-Type ${request.headers['content-type'] ?? '(none)'} is not supported: send application/json`,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(ERROR_CODES.PAYLOAD_TOO_LARGE, `Request body is larger than the limit of ${limits.bodyLimitBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalid('(body)', 'Request body is not valid JSON', 'not valid JSON');
    case 'FST_ERR_BAD_URL':
      return invalid('(path)', 'Request path is not a valid URL (malformed percent-encoding)', 'malformed percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return invalid(
        '(path)',
        `A path parameter is longer than ${limits.maxParamLength} characters`,
        `a parameter is longer than ${limits.maxParamLength} characters`,
      );
    default: {
      const code = CODE_BY_STATUS[e.statusCode] ?? (e.statusCode < 500 ? ERROR_CODES.VALIDATION_FAILED : ERROR_CODES.INTERNAL);
      return new AppError(code, code === ERROR_CODES.INTERNAL ? 'Internal server error' : e.message);
    }
  }
}

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

/**
 * The one place errors become HTTP: every client gets { statusCode, code, message, details? }.
 * Nest calls catch() for controller routes; Fastify's router errors (frameworkErrors) and the native
 * hot read (user-read.route.ts) call respond() directly.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly limits: FilterOptions) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.respond(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  respond(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { method, url } = request;
    const report = healthReport(exception);
    if (report) {
      // A failed readiness check is an answer, not a server fault: the probe (and the person
      // reading it) gets terminus's report naming the failing dependency, and the log one line.
      this.logger.warn(`${method} ${url} -> 503 not ready: ${JSON.stringify(report.error)}`);
      void reply.status(HttpStatus.SERVICE_UNAVAILABLE).send(report);
      return;
    }
    const raw = this.toBody(exception, request);
    const body = { ...raw, message: redactSecrets(raw.message, this.limits.secrets) };
    // The request line for failures (see logger.ts): one line, no body, no headers.
    const line = `${method} ${url} -> ${body.statusCode} ${body.code}: ${body.message}`;
    if (body.statusCode >= 500)
      this.logger.error(
        exception instanceof AppError ? line : `${line} ${exception instanceof Error ? (exception.stack ?? '') : String(exception)}`,
      );
    else this.logger.warn(line);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown, request: FastifyRequest): ApiErrorBody {
    if (exception instanceof AppError) return exception.toBody();
    // Nest's adapter wraps a 4xx Fastify error in an HttpException (the original as its cause).
    const fastifyError = exception instanceof HttpException ? exception.cause : exception;
    if (isFastifyError(fastifyError)) return fromFastify(fastifyError, request, this.limits).toBody();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: string | string[] }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : (raw ?? exception.message);
      return { statusCode: status, code: CODE_BY_STATUS[status] ?? ERROR_CODES.INTERNAL, message };
    }
    return { statusCode: ERROR_STATUS.INTERNAL, code: ERROR_CODES.INTERNAL, message: 'Internal server error' };
  }
}
