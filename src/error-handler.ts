/**
 * Turns every error into the one error body `{ statusCode, code, error, message, details? }`.
 * Fastify's own errors (bad JSON, schema validation, body size) are mapped onto
 * the catalog in errors.ts, so clients see one set of codes.
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { retryAfterOf } from './retry-after.ts';

/** fastify's default; a rule id with its version, or a job id, is far shorter. */
export const MAX_PATH_SEGMENT = 100;
import {
  BadUrl,
  describeWhere,
  BodyTooLarge,
  HeadersTooLarge,
  Internal,
  InvalidJson,
  InvalidRequest,
  MalformedHttp,
  PathSegmentTooLong,
  RequestTimeout,
  RouteNotFound,
  UnsupportedMediaType,
  type ErrorDetail,
  type Where,
} from './errors.ts';

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
    const extra = typeof issue.params?.additionalProperty === 'string' ? ` (${issue.params.additionalProperty})` : '';
    const message = issue.keyword === 'anyOf' ? 'does not match any of the allowed shapes' : (issue.message ?? 'is invalid');
    return { pointer: issue.instancePath, message: `${message}${extra}` };
  });
}

function toCatalogError(error: FastifyError, bodyLimit: number, path: string, contentType: string | undefined): FastifyError & { details?: ErrorDetail[] } {
  if (error.code?.startsWith('VERDICT_')) return error;
  if (error.validation) {
    // Pointers are into the body; a query string, header or path parameter is named as such.
    const context = error.validationContext === 'body' ? undefined : (error.validationContext as Where['in']);
    const details = validationDetails(error.validation as ValidationIssue[]).map((d) => (context ? { ...d, in: context } : d));
    return Object.assign(new InvalidRequest(`${describeWhere(details[0])} ${details[0].message}`), { details });
  }
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new BadUrl(path);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new PathSegmentTooLong(path, MAX_PATH_SEGMENT);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(JSON.stringify(contentType ?? error.message.replace(/^Unsupported Media Type:?\s*/, '') ?? 'none'));
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
  return (raw: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    sendError(raw, request, reply, bodyLimit);
  };
}

/** The request's path as sent, without its query. */
const pathOf = (request: FastifyRequest) => request.url.split('?')[0];

export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => sendError(raw, request, reply, bodyLimit));
  app.setNotFoundHandler((request) => {
    throw new RouteNotFound(request.method, pathOf(request));
  });
}

/** The catalog's error body, as written to the caller (and shown in /docs, routes/responses.ts). */
export function errorBody(error: { code?: string; message: string; details?: ErrorDetail[] }, statusCode: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    statusCode,
    code: error.code ?? 'VERDICT_INTERNAL',
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: error.message,
  };
  if (error.details) body.details = error.details;
  return body;
}

/**
 * For fastify's `clientErrorHandler`: what Node's HTTP parser refuses before fastify sees a request
 * (a request not received in time, headers over Node's limit, bytes that are not HTTP) is answered on
 * the socket in the catalog's body, then the connection is closed.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const catalog =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new RequestTimeout()
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new HeadersTooLarge(maxHeaderSize)
        : new MalformedHttp(error.code ?? 'unparsable');
  const statusCode = catalog.statusCode!;
  this.log.info({ code: catalog.code, statusCode, reason: error.code }, 'connection refused');
  const body = JSON.stringify(errorBody(catalog, statusCode));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function sendError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply, bodyLimit: number) {
  const error = toCatalogError(raw, bodyLimit, pathOf(request), request.headers['content-type']);
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 500) request.log.error({ err: raw, code: error.code }, 'request failed');
  else request.log.info({ code: error.code, statusCode }, 'request rejected');
  // Every refusal for capacity says when to come back (retry-after.ts).
  if (statusCode === 503) {
    const queueWaitMs = () => request.server.verdict.admission.waitMs(0);
    reply.header('retry-after', String(retryAfterOf(error.code, (error as { retryAfter?: number }).retryAfter, queueWaitMs)));
  }
  return reply.status(statusCode).type('application/json').send(errorBody(error, statusCode));
}
