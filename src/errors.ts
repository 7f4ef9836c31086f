/**
 * The error catalog: every error the API returns, with its stable code, message
 * template and status, grouped by area, each with when it is returned. Handlers throw these;
 * `error-handler.ts` turns them (and fastify's own) into `{ statusCode, code, error, message, details? }`.
 * docs/errors.md is generated from this file (`npm run docs`): areas from the `//` headings, `when` from
 * each doc comment.
 */
import createError from '@fastify/error';

/** Where in a request: a JSON pointer into the body, or, with `in`, into a path parameter, the query string or a header. */
export interface Where {
  pointer: string;
  in?: 'params' | 'querystring' | 'headers';
}

/** What was wrong and where. */
export interface ErrorDetail extends Where {
  message: string;
  [key: string]: unknown;
}

/** `where` as a message names it: `/groups/0/reference`, `the body`, `path parameter id`, `the query parameters`. */
export function describeWhere(where: Where): string {
  if (where.in === undefined) return where.pointer === '' ? 'the body' : where.pointer;
  const part = { params: 'path parameter', querystring: 'query parameter', headers: 'header' }[where.in];
  return where.pointer === '' ? `the ${part}s` : `${part} ${where.pointer.slice(1)}`;
}

// Request shape
/** Wrong types, missing or unknown fields (ajv's message, with a pointer); also any other request fastify refuses (a body shorter than its `Content-Length`), with fastify's status. */
export const InvalidRequest = createError('VERDICT_INVALID_REQUEST', 'Invalid request: %s', 400);
/** The body is not JSON, or carries `__proto__` or `constructor.prototype` keys. */
export const InvalidJson = createError('VERDICT_INVALID_JSON', '%s', 400);
/** Arrays and objects nested deeper than 64 levels (checked on the parsed body). */
export const TooDeep = createError('VERDICT_TOO_DEEP', 'Body nests arrays and objects deeper than %s levels', 400);
/** A body that is not JSON (`text/plain` too); the message quotes the type sent. */
export const UnsupportedMediaType = createError('VERDICT_UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type %s; send application/json', 415);
/** A request not received within `HEADERS_TIMEOUT_MS` / `REQUEST_TIMEOUT_MS`; the connection is closed. */
export const RequestTimeout = createError(
  'VERDICT_REQUEST_TIMEOUT',
  'The request was not received in time (HEADERS_TIMEOUT_MS for its headers, REQUEST_TIMEOUT_MS for all of it)',
  408,
);
/** Headers over Node's 16 KiB; the connection is closed. */
export const HeadersTooLarge = createError('VERDICT_HEADERS_TOO_LARGE', 'The request headers exceed %s bytes', 431);
/** Bytes that are not HTTP; the connection is closed. */
export const MalformedHttp = createError('VERDICT_MALFORMED_HTTP', 'Malformed HTTP request (%s)', 400);
/** A body over `BODY_LIMIT_BYTES`. */
export const BodyTooLarge = createError('VERDICT_BODY_TOO_LARGE', 'Body exceeds the limit of %s bytes (BODY_LIMIT_BYTES)', 413);
/** More completions than `MAX_COMPLETIONS` in one request. */
export const TooManyCompletions = createError('VERDICT_TOO_MANY_COMPLETIONS', 'Batch has %s completions; the limit is %s (MAX_COMPLETIONS)', 413);
/** More (completion × rule) cells than `MAX_CELLS` in one request. */
export const TooManyCells = createError(
  'VERDICT_TOO_MANY_CELLS',
  'Batch has %s cells (completions x rules, a composite counting each of its leaves); the limit is %s (MAX_CELLS)',
  413,
);

// Rewards
/** An unknown rule id or version (the message lists the known ids). */
export const UnknownReward = createError('VERDICT_UNKNOWN_REWARD', 'Unknown reward %s', 400);
/** Params the rule's params schema refuses (the pointer is into `params`). */
export const InvalidParams = createError('VERDICT_INVALID_PARAMS', 'Invalid params for %s: %s', 400);
/** A group with no rules: neither the batch nor the group has `rewards`. */
export const MissingRewards = createError('VERDICT_MISSING_REWARDS', 'No rewards for group at %s: set `rewards` on the batch or on the group', 400);
/** A group without the `reference` one of its rules needs (the pointer is to the group's `reference`). */
export const MissingReference = createError('VERDICT_MISSING_REFERENCE', '%s', 400);
/** A group whose `reference` has a shape one of its rules cannot read. */
export const InvalidReference = createError('VERDICT_INVALID_REFERENCE', '%s', 400);
/** Two rules of one request under the same name. */
export const DuplicateRewardName = createError('VERDICT_DUPLICATE_REWARD_NAME', 'Reward name %s is used twice; give one of them a distinct `name`', 400);
/** No rule with that id (or `id@version`). */
export const RewardNotFound = createError('VERDICT_REWARD_NOT_FOUND', 'No reward with id %s', 404);

// OpenAI grader JSON (POST /v1/graders/*)
/** An OpenAI grader type Verdict does not run (`python`, `score_model`, `label_model`). */
export const UnsupportedGrader = createError('VERDICT_UNSUPPORTED_GRADER', 'Grader %s is not supported: %s', 400);

// Registered rules (POST/DELETE /v1/rewards)
/** Registering or deprecating a built-in id. */
export const BuiltinRewardConflict = createError('VERDICT_BUILTIN_REWARD', 'Reward %s is built in and cannot be registered or deprecated', 409);
/** Scoring with a deprecated rule by its bare id; `id@n` still scores. */
export const RewardDeprecated = createError('VERDICT_REWARD_DEPRECATED', 'Reward %s is deprecated; pin a version (%s@<n>) to keep scoring with it', 400);
/** A registration the checks refuse (the pointer says where: a formula, a gate, a pattern). */
export const InvalidRule = createError('VERDICT_INVALID_RULE', 'Invalid rule: %s', 400);
/** Golden examples that did not score as stated; one `details` entry per failing example. */
export const ExamplesFailed = createError('VERDICT_EXAMPLES_FAILED', '%s of %s examples failed; the rule was not stored', 422);
/** A definition over `MAX_RULE_SOURCE_BYTES` (without its examples) or `MAX_RULE_BYTES` (with them). */
export const RuleTooLarge = createError<'VERDICT_RULE_TOO_LARGE', 413, [string, number, number, string]>(
  'VERDICT_RULE_TOO_LARGE',
  'Rule definition %s is %s bytes; the limit is %s (%s)',
  413,
);
/** More golden examples than `MAX_RULE_EXAMPLES`. */
export const TooManyExamples = createError('VERDICT_TOO_MANY_EXAMPLES', 'Rule has %s examples; the limit is %s (MAX_RULE_EXAMPLES)', 413);
/** A registered rule over `MAX_RULE_LEAVES` built-in rules per completion or `MAX_RULE_DEPTH` levels of composites. */
export const RuleTooComplex = createError('VERDICT_RULE_TOO_COMPLEX', 'Rule %s %s', 400);
/** The store already holds `MAX_RULES` versions or `MAX_RULE_STORE_BYTES` of definitions. */
export const RuleLimitReached = createError('VERDICT_RULE_LIMIT', 'The rule store holds %s; the limit is %s (%s)', 409);
/** A purge of a rule another stored rule pins. */
export const RuleInUse = createError('VERDICT_RULE_IN_USE', 'Rule %s cannot be purged: %s pin a version of it', 409);

// Auth (bearer keys)
/** No key, or an unknown key, where `VERDICT_API_KEYS` (or an admin route) asks for one; with `WWW-Authenticate: Bearer`. */
export const Unauthenticated = createError('VERDICT_UNAUTHENTICATED', 'Missing or unknown API key: send `Authorization: Bearer <key>`', 401);
/** An API key on an admin route. */
export const Forbidden = createError('VERDICT_FORBIDDEN', 'This key may not %s; an admin key (VERDICT_ADMIN_KEYS) is required', 403);
/** An admin route while registration is closed (no `VERDICT_ADMIN_KEYS`, docs/security.md). */
export const RegistrationClosed = createError(
  'VERDICT_REGISTRATION_CLOSED',
  'Registering and deprecating rules is closed: set VERDICT_ADMIN_KEYS and send an admin key (or set VERDICT_OPEN_REGISTRATION=on to open it to every caller)',
  403,
);

// Routing
/** No such route. */
export const RouteNotFound = createError('VERDICT_ROUTE_NOT_FOUND', 'No route %s %s', 404);
/** A known path with another method; `Allow` lists its methods. */
export const MethodNotAllowed = createError('VERDICT_METHOD_NOT_ALLOWED', 'Method %s is not allowed on %s; allowed: %s', 405);
/** A malformed percent escape in the URL. */
export const BadUrl = createError('VERDICT_BAD_URL', 'Malformed URL %s', 400);
/** A path segment over 100 characters (no id is that long). */
export const PathSegmentTooLong = createError('VERDICT_PATH_SEGMENT_TOO_LONG', 'A path segment of %s is longer than %s characters; no id is', 414);

// Capacity
/** The scoring queue is full, or the estimated wait is over `MAX_QUEUE_WAIT_MS` (decided from `Content-Length` before the body is read); `Retry-After` is the estimated wait (1 to 60 s). */
export const Overloaded = createError('VERDICT_OVERLOADED', 'Scoring queue is full (%s waiting); retry later', 503);
/** The store (rules, jobs: PostgreSQL, SQLite) cannot serve; rules already loaded keep scoring; `Retry-After: 5`. */
export const StoreUnavailable = createError(
  'VERDICT_STORE_UNAVAILABLE',
  'The store (rules, jobs) is unavailable (%s); rules already loaded keep scoring; retry later',
  503,
);
/** The replica is draining after SIGTERM; another replica can take the request. */
export const ShuttingDown = createError('VERDICT_SHUTTING_DOWN', 'This replica is shutting down; retry on another', 503);
/** `MAX_JOBS` jobs are queued or running; `Retry-After: 30`. */
export const TooManyJobs = createError('VERDICT_TOO_MANY_JOBS', '%s jobs are kept; the limit is %s (MAX_JOBS); retry later', 503);

// Retries and jobs
/** An `Idempotency-Key` reused with a different body. */
export const IdempotencyConflict = createError('VERDICT_IDEMPOTENCY_CONFLICT', 'Idempotency-Key %s was used with a different body', 422);
/** No such job, or a finished one older than `JOB_TTL_MS`. */
export const JobNotFound = createError('VERDICT_JOB_NOT_FOUND', 'No job %s (finished jobs are kept for JOB_TTL_MS)', 404);

// Server
/** A bug: the message is generic, the log has the stack. */
export const Internal = createError('VERDICT_INTERNAL', 'Internal error', 500);

/** Attaches pointers to a catalog error so the body says where the problem is. */
export function withDetails<E extends Error>(error: E, details: ErrorDetail[]): E {
  return Object.assign(error, { details });
}
