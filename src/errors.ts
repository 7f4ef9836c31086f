/**
 * The error catalog: every error the API returns, with its stable code, message
 * template and status, grouped by area. Handlers throw these; `error-handler.ts`
 * turns them (and fastify's own) into `{ statusCode, code, error, message, details? }`.
 */
import createError from '@fastify/error';

/** What was wrong and where: a JSON pointer into the request body. */
export interface ErrorDetail {
  pointer: string;
  message: string;
  [key: string]: unknown;
}

// Request shape
export const InvalidRequest = createError('VERDICT_INVALID_REQUEST', 'Invalid request: %s', 400);
export const InvalidJson = createError('VERDICT_INVALID_JSON', '%s', 400);
export const TooDeep = createError('VERDICT_TOO_DEEP', 'Body nests arrays and objects deeper than %s levels', 400);
export const UnsupportedMediaType = createError('VERDICT_UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type %s; send application/json', 415);
export const RequestTimeout = createError(
  'VERDICT_REQUEST_TIMEOUT',
  'The request was not received in time (HEADERS_TIMEOUT_MS for its headers, REQUEST_TIMEOUT_MS for all of it)',
  408,
);
export const HeadersTooLarge = createError('VERDICT_HEADERS_TOO_LARGE', 'The request headers exceed %s bytes', 431);
export const MalformedHttp = createError('VERDICT_MALFORMED_HTTP', 'Malformed HTTP request (%s)', 400);
export const BodyTooLarge = createError('VERDICT_BODY_TOO_LARGE', 'Body exceeds the limit of %s bytes (BODY_LIMIT_BYTES)', 413);
export const TooManyCompletions = createError('VERDICT_TOO_MANY_COMPLETIONS', 'Batch has %s completions; the limit is %s (MAX_COMPLETIONS)', 413);
export const TooManyCells = createError(
  'VERDICT_TOO_MANY_CELLS',
  'Batch has %s cells (completions x rules, a composite counting each of its leaves); the limit is %s (MAX_CELLS)',
  413,
);

// Rewards
export const UnknownReward = createError('VERDICT_UNKNOWN_REWARD', 'Unknown reward %s', 400);
export const InvalidParams = createError('VERDICT_INVALID_PARAMS', 'Invalid params for %s: %s', 400);
export const MissingRewards = createError('VERDICT_MISSING_REWARDS', 'No rewards for group at %s: set `rewards` on the batch or on the group', 400);
export const MissingReference = createError('VERDICT_MISSING_REFERENCE', '%s', 400);
export const InvalidReference = createError('VERDICT_INVALID_REFERENCE', '%s', 400);
export const DuplicateRewardName = createError('VERDICT_DUPLICATE_REWARD_NAME', 'Reward name %s is used twice; give one of them a distinct `name`', 400);
export const RewardNotFound = createError('VERDICT_REWARD_NOT_FOUND', 'No reward with id %s', 404);

// OpenAI grader JSON (POST /v1/graders/*)
export const UnsupportedGrader = createError('VERDICT_UNSUPPORTED_GRADER', 'Grader %s is not supported: %s', 400);

// Registered rules (POST/DELETE /v1/rewards)
export const BuiltinRewardConflict = createError('VERDICT_BUILTIN_REWARD', 'Reward %s is built in and cannot be registered or deprecated', 409);
export const RewardDeprecated = createError('VERDICT_REWARD_DEPRECATED', 'Reward %s is deprecated; pin a version (%s@<n>) to keep scoring with it', 400);
export const InvalidRule = createError('VERDICT_INVALID_RULE', 'Invalid rule: %s', 400);
export const ExamplesFailed = createError('VERDICT_EXAMPLES_FAILED', '%s of %s examples failed; the rule was not stored', 422);
export const RuleTooLarge = createError<'VERDICT_RULE_TOO_LARGE', 413, [string, number, number, string]>(
  'VERDICT_RULE_TOO_LARGE',
  'Rule definition %s is %s bytes; the limit is %s (%s)',
  413,
);
export const TooManyExamples = createError('VERDICT_TOO_MANY_EXAMPLES', 'Rule has %s examples; the limit is %s (MAX_RULE_EXAMPLES)', 413);
export const RuleTooComplex = createError('VERDICT_RULE_TOO_COMPLEX', 'Rule %s %s', 400);
export const RuleLimitReached = createError('VERDICT_RULE_LIMIT', 'The rule store holds %s; the limit is %s (%s)', 409);
export const RuleInUse = createError('VERDICT_RULE_IN_USE', 'Rule %s cannot be purged: %s pin a version of it', 409);

// Auth (bearer keys)
export const Unauthenticated = createError('VERDICT_UNAUTHENTICATED', 'Missing or unknown API key: send `Authorization: Bearer <key>`', 401);
export const Forbidden = createError('VERDICT_FORBIDDEN', 'This key may not %s; an admin key (VERDICT_ADMIN_KEYS) is required', 403);
export const RegistrationClosed = createError(
  'VERDICT_REGISTRATION_CLOSED',
  'Registering and deprecating rules is closed: set VERDICT_ADMIN_KEYS and send an admin key (or set VERDICT_OPEN_REGISTRATION=on to open it to every caller)',
  403,
);

// Routing
export const RouteNotFound = createError('VERDICT_ROUTE_NOT_FOUND', 'No route %s %s', 404);
export const MethodNotAllowed = createError('VERDICT_METHOD_NOT_ALLOWED', 'Method %s is not allowed on %s; allowed: %s', 405);
export const BadUrl = createError('VERDICT_BAD_URL', 'Malformed URL %s', 400);
export const PathSegmentTooLong = createError('VERDICT_PATH_SEGMENT_TOO_LONG', 'A path segment of %s is longer than %s characters; no id is', 414);

// Capacity
export const Overloaded = createError('VERDICT_OVERLOADED', 'Scoring queue is full (%s waiting); retry later', 503);
export const StoreUnavailable = createError(
  'VERDICT_STORE_UNAVAILABLE',
  'The store (rules, jobs) is unavailable (%s); rules already loaded keep scoring; retry later',
  503,
);
export const ShuttingDown = createError('VERDICT_SHUTTING_DOWN', 'This replica is shutting down; retry on another', 503);
export const TooManyJobs = createError('VERDICT_TOO_MANY_JOBS', '%s jobs are kept; the limit is %s (MAX_JOBS); retry later', 503);

// Retries and jobs
export const IdempotencyConflict = createError('VERDICT_IDEMPOTENCY_CONFLICT', 'Idempotency-Key %s was used with a different body', 422);
export const JobNotFound = createError('VERDICT_JOB_NOT_FOUND', 'No job %s (finished jobs are kept for JOB_TTL_MS)', 404);

// Server
export const Internal = createError('VERDICT_INTERNAL', 'Internal error', 500);

/** Attaches pointers to a catalog error so the body says where the problem is. */
export function withDetails<E extends Error>(error: E, details: ErrorDetail[]): E {
  return Object.assign(error, { details });
}
