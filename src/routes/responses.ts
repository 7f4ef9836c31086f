/**
 * What /docs shows for a route's statuses: each its schema, a description and an example of its own.
 * Error examples are catalog errors as error-handler.ts writes them; success examples are the response
 * schemas' own, real answers to the request examples. tests/docs.test.ts validates every example
 * against its schema, checks the errors against the catalog and sends the requests to compare.
 */
import { builtinRewards } from '../../rewards/index.ts';
import { errorBody } from '../error-handler.ts';
import * as errors from '../errors.ts';
import { describeWhere, type ErrorDetail, type Where } from '../errors.ts';

interface CatalogError extends Error {
  code: string;
  statusCode?: number;
  details?: ErrorDetail[];
}

const media = (schema: object, example: unknown) => ({ 'application/json': { schema, example } });

/** A 2xx: the schema (a shared one by its `$id`) and its first example unless one is given. */
export function success(description: string, schema: object & { $id?: string; examples?: readonly unknown[] }, example: unknown = schema.examples?.[0]) {
  return { description, content: media(schema.$id ? { $ref: `${schema.$id}#` } : schema, example) };
}

/** A 4xx/5xx: the Error shape, with the body the server writes for `error`. */
export function failure(description: string, error: CatalogError) {
  return { description, content: media({ $ref: 'Error#' }, errorBody(error, error.statusCode!)) };
}

const ids = builtinRewards.map((rule) => rule.id);
/** The error a misspelt rule id at `where` gets. */
export const unknownRewardAt = (where: Where) =>
  errors.withDetails(new errors.UnknownReward(`"mth-answer" at ${describeWhere(where)}; known: ${ids.join(', ')}`), [
    { ...where, message: 'unknown reward "mth-answer"', known: ids },
  ]);

/** The error statuses most routes share, each with its own example. */
export const failures = {
  badRequest: failure('The body or a rule spec is wrong; `details` points at where (JSON pointers)', unknownRewardAt({ pointer: '/rewards/0/id' })),
  unauthenticated: failure('`VERDICT_API_KEYS` is set and no key, or an unknown one, was sent', new errors.Unauthenticated()),
  tooLarge: failure('Over a request limit: `BODY_LIMIT_BYTES`, `MAX_COMPLETIONS` or `MAX_CELLS`', new errors.TooManyCompletions(20_000, 16_384)),
  unsupportedMediaType: failure('The body is not `application/json`', new errors.UnsupportedMediaType('"text/plain"')),
  overloaded: failure(
    'The queue is full, the store is down or the replica is draining; retry after `Retry-After`',
    new errors.Overloaded('an estimated 12 s of requests'),
  ),
  forbidden: failure('An API key on an admin route, or registration closed (no `VERDICT_ADMIN_KEYS`)', new errors.Forbidden('register or deprecate rules')),
  storeUnavailable: failure('The store (rules, jobs) cannot serve; rules already loaded keep scoring', new errors.StoreUnavailable('ECONNREFUSED')),
  rewardNotFound: failure('No rule with that id', new errors.RewardNotFound('"nope"')),
};
