/**
 * Turns every error into the one error body `{ statusCode, code, error, message, details? }`.
 * Fastify's own errors (bad JSON, schema validation, body size) are mapped onto
 * the catalog in errors.ts, so clients see one set of codes.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** fastify's default; a rule id with its version, or a job id, is far shorter. */
export const MAX_PATH_SEGMENT = 100;
import { BadUrl, BodyTooLarge, Internal, InvalidJson, InvalidRequest, PathSegmentTooLong, RouteNotFound, UnsupportedMediaType, type ErrorDetail } from './errors.ts';

interface ValidationIssue {
  instancePath: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function validationDetails(issues: readonly ValidationIssue[]): ErrorDetail[] {
  // An anyOf failure also reports each branch's complaint; the anyOf line alone says it best.
  const anyOfAt = new Set(issues.filter((i) => i.keyword === 'anyOf').map((i) => i.instancePath));
  const kept = issues.filter((i) => i.keyword === 'anyOf' || !anyOfAt.has(i.instancePath));
  return kept.map((issue) => {
    const extra = issue.params?.additionalProperty ? ` (${String(issue.params.additionalProperty)})` : '';
    const message = issue.keyword === 'anyOf' ? 'does not match any of the allowed shapes' : (issue.message ?? 'is invalid');
    return { pointer: issue.instancePath, message: `${message}${extra}` };
  });
}

function toCatalogError(error: FastifyError, bodyLimit: number, path: string): FastifyError & { details?: ErrorDetail[] } {
  if (error.code?.startsWith('VERDICT_')) return error;
  if (error.validation) {
    const details = validationDetails(error.validation as ValidationIssue[]);
    const first = details[0];
    const where = first.pointer === '' ? 'the body' : first.pointer;
    return Object.assign(new InvalidRequest(`${where} ${first.message}`), { details });
  }
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new BadUrl(path);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new PathSegmentTooLong(path, MAX_PATH_SEGMENT);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(error.message.replace(/^Unsupported Media Type:?\s*/, '') || 'unknown');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidJson(error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'$/, 'Body is not valid JSON'));
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && !error.code)) return new InvalidJson(`Invalid JSON body: ${error.message}`);
  // Any other 4xx of fastify's or a plugin's (a body shorter than its Content-Length, ...) keeps its
  // status and says what was wrong, under the catalog's code for a bad request.
  if (error.statusCode && error.statusCode < 500) return Object.assign(new InvalidRequest(error.message), { statusCode: error.statusCode });
  return new Internal();
}

/**
 * For fastify's `frameworkErrors` option: a malformed URL or an over-long path segment never reaches a
 * route, nor the error handler, so it is answered here in the same catalog body.
 */
export function frameworkErrorsFor(bodyLimit: number) {
  return (raw: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendError(raw, request, reply, bodyLimit);
}

/** The request's path as sent, without its query. */
const pathOf = (request: FastifyRequest) => request.url.split('?')[0];

export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => sendError(raw, request, reply, bodyLimit));
  app.setNotFoundHandler((request) => {
    throw new RouteNotFound(request.method, pathOf(request));
  });
}

function sendError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply, bodyLimit: number) {
  const error = toCatalogError(raw, bodyLimit, pathOf(request));
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 500) request.log.error({ err: raw, code: error.code }, 'request failed');
  else request.log.info({ code: error.code, statusCode }, 'request rejected');
  // Every refusal for capacity says when to come back: in whole seconds, its own estimate or 1.
  if (statusCode === 503) reply.header('retry-after', String((error as { retryAfter?: number }).retryAfter ?? 1));
  const body: Record<string, unknown> = {
    statusCode,
    code: error.code ?? 'VERDICT_INTERNAL',
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: error.message,
  };
  if (error.details) body.details = error.details;
  return reply.status(statusCode).type('application/json').send(body);
}
