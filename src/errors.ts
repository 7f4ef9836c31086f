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
export const UnsupportedMediaType = createError('VERDICT_UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type %s; send application/json', 415);
export const BodyTooLarge = createError('VERDICT_BODY_TOO_LARGE', 'Body exceeds the limit of %s bytes (BODY_LIMIT_BYTES)', 413);
export const TooManyCompletions = createError('VERDICT_TOO_MANY_COMPLETIONS', 'Batch has %s completions; the limit is %s (MAX_COMPLETIONS)', 413);
export const TooManyCells = createError('VERDICT_TOO_MANY_CELLS', 'Batch has %s (completion x rule) cells; the limit is %s (MAX_CELLS)', 413);

// Rewards
export const UnknownReward = createError('VERDICT_UNKNOWN_REWARD', 'Unknown reward %s', 400);
export const InvalidParams = createError('VERDICT_INVALID_PARAMS', 'Invalid params for %s: %s', 400);
export const MissingRewards = createError('VERDICT_MISSING_REWARDS', 'No rewards for group at %s: set `rewards` on the batch or on the group', 400);
export const DuplicateRewardName = createError('VERDICT_DUPLICATE_REWARD_NAME', 'Reward name %s is used twice; give one of them a distinct `name`', 400);
export const RewardNotFound = createError('VERDICT_REWARD_NOT_FOUND', 'No reward with id %s', 404);

// Routing
export const RouteNotFound = createError('VERDICT_ROUTE_NOT_FOUND', 'No route %s %s', 404);

// Capacity
export const Overloaded = createError('VERDICT_OVERLOADED', 'Scoring queue is full (%s cells waiting); retry later', 503);
export const NotReady = createError('VERDICT_NOT_READY', 'Not ready: %s', 503);

// Server
export const Internal = createError('VERDICT_INTERNAL', 'Internal error', 500);

/** Attaches pointers to a catalog error so the body says where the problem is. */
export function withDetails<E extends Error>(error: E, details: ErrorDetail[]): E {
  return Object.assign(error, { details });
}
