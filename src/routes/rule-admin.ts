/**
 * Registering rules over HTTP: POST /v1/rewards (examples gate, then a
 * durable append), POST /v1/rewards/validate (the same checks, nothing
 * stored), POST /v1/rewards/{id}/try (score samples with any rule) and
 * DELETE /v1/rewards/{id} (deprecate). Registration and deprecation need an
 * admin key when VERDICT_ADMIN_KEYS is set.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ruleDeprecatedSchema, ruleRegisteredSchema, ruleTryResponseSchema, ruleValidationSchema } from '../../schemas/rule-admin.ts';
import {
  BuiltinRewardConflict,
  ExamplesFailed,
  InvalidRule,
  RegistrationClosed,
  RewardNotFound,
  RuleInUse,
  RuleTooLarge,
  ShuttingDown,
  StoreUnavailable,
  withDetails,
} from '../errors.ts';
import { runExamples, type ExampleOutcome } from '../registry/examples-gate.ts';
import { prepareRule, type PreparedRule } from '../registry/prepare-rule.ts';
import type { RuleRegistration } from '../registry/rule-definition.ts';
import type { RuleAt } from '../registry/registry.ts';
import type { StoredRules } from '../registry/stored-rules.ts';
import { scoreBatch } from '../scoring/score-batch.ts';
import { failure, failures, success, unknownRewardAt } from './responses.ts';

const formulaWhy = 'function "import" is not allowed; use min, max, abs';
const failedExample = {
  pointer: '/examples/0',
  message: 'example 1: expected 1, got 0 (missing_think)',
  expected: 1,
  score: 0,
  reason: 'missing_think',
  details: { flags: { think_blocks: 0, tag_count: 0, boxed_in_answer: 0, distinct_boxed: 0, repetition_rate: 0 } },
};
/** The statuses of the routes that check a registration (POST /v1/rewards and /validate). */
const registration = {
  400: failure(
    'The registration is malformed, or a check refuses it (a formula, a gate, a pattern); `details` points at where',
    withDetails(new InvalidRule(`/formula ${formulaWhy}`), [{ pointer: '/formula', message: formulaWhy }]),
  ),
  401: failures.unauthenticated,
  403: failure(
    'Registration is closed (no `VERDICT_ADMIN_KEYS`, and no loopback `HOST` or `VERDICT_OPEN_REGISTRATION=on`), or the key is an API key',
    new RegistrationClosed(),
  ),
  409: failure('The id is a built-in rule, or the store is full (`MAX_RULES`, `MAX_RULE_STORE_BYTES`)', new BuiltinRewardConflict('"think-format"')),
  413: failure(
    'The definition is over `MAX_RULE_SOURCE_BYTES` / `MAX_RULE_BYTES`, or has more than `MAX_RULE_EXAMPLES` examples',
    new RuleTooLarge('without its examples', 70_000, 65_536, 'MAX_RULE_SOURCE_BYTES'),
  ),
  415: failures.unsupportedMediaType,
  422: failure(
    'Golden examples did not score as stated: nothing was stored; one `details` entry per failing example',
    withDetails(new ExamplesFailed(1, 1), [failedExample]),
  ),
};
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
/** /try's rule: its id is the path parameter, its params the body's `params`. */
const tried: RuleAt = { entry: { pointer: '/id', in: 'params' }, id: { pointer: '/id', in: 'params' }, params: { pointer: '/params' } };

export async function ruleAdminRoutes(app: FastifyInstance, options: { rules: StoredRules }): Promise<void> {
  const { rules } = options;
  const { config } = app.verdict;

  /** Everything a registration must pass before it may be stored. */
  async function check(request: FastifyRequest, reply: FastifyReply): Promise<{ prepared: PreparedRule; outcomes: ExampleOutcome[] }> {
    const body = request.body as RuleRegistration;
    const version = (rules.versions(body.id).at(-1)?.version ?? 0) + 1;
    const prepared = prepareRule(body, app.verdict.registry, version, config);
    // A client that goes away does not cut its examples short (a registration completes as any write does):
    // only a shutdown does, and then they say nothing of the rule.
    const { scoring, signal } = app.verdict.scope(request, reply, { untilDisconnect: false });
    const outcomes = await runExamples(prepared.bound, body.examples, scoring, signal);
    if (signal.aborted) throw new ShuttingDown();
    const failed = outcomes.flatMap((outcome, i) => (outcome.passed ? [] : [{ ...outcome, pointer: `/examples/${i}` }]));
    if (failed.length > 0) {
      const details = failed.map(({ pointer, name, expected, score, reason, details: why }) => ({
        pointer,
        message: `${name}: expected ${expected}, got ${score}${reason ? ` (${reason})` : ''}`,
        expected,
        score,
        reason,
        details: why,
      }));
      throw withDetails(new ExamplesFailed(failed.length, outcomes.length), details);
    }
    return { prepared, outcomes };
  }

  app.post(
    '/v1/rewards',
    {
      config: { auth: 'admin', scoring: true },
      schema: {
        tags: ['rewards'],
        summary: 'Register a rule (or its next version); its examples must pass first',
        body: { $ref: 'RuleRegistration#' },
        response: {
          200: success(
            'The latest version already has this content: nothing stored (`created: false`), so a retry makes no new version',
            ruleRegisteredSchema,
            { ...ruleRegisteredSchema.examples[0], created: false },
          ),
          201: success('Stored as a new version, its examples passed', ruleRegisteredSchema),
          ...registration,
          503: failure(
            'The rule store cannot serve, or the scoring queue (where the examples run) is full, or the replica is draining; retry after `Retry-After`',
            new StoreUnavailable('ECONNREFUSED'),
          ),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as RuleRegistration;
      const { prepared, outcomes } = await check(request, reply);
      const { rule, created } = await rules.store.append(
        { id: prepared.id, kind: body.kind, definition: prepared.definition as unknown as Record<string, unknown>, hash: prepared.hash },
        { maxRules: config.maxRules, maxStoreBytes: config.maxRuleStoreBytes },
      );
      rules.apply(rule);
      request.log.info({ rule: `${rule.id}@${rule.version}`, kind: rule.kind, created }, 'rule registered');
      return reply.status(created ? 201 : 200).send({
        id: rule.id,
        version: rule.version,
        ref: `${rule.id}@${rule.version}`,
        kind: rule.kind,
        hash: rule.hash,
        created_at: rule.createdAt,
        created,
        examples: outcomes,
      });
    },
  );

  app.post(
    '/v1/rewards/validate',
    {
      config: { auth: 'admin', scoring: true },
      schema: {
        tags: ['rewards'],
        summary: 'Run every registration check, examples included, without storing',
        body: { $ref: 'RuleRegistration#' },
        response: {
          200: success('Every check passed, examples included; nothing was stored', ruleValidationSchema),
          ...registration,
          503: failures.overloaded,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as RuleRegistration;
      const { prepared, outcomes } = await check(request, reply);
      return { valid: true, id: prepared.id, kind: body.kind, hash: prepared.hash, examples: outcomes };
    },
  );

  app.post(
    '/v1/rewards/:id/try',
    {
      config: { scoring: true },
      schema: {
        tags: ['rewards'],
        summary: 'Score samples with one rule (`id` or `id@version`)',
        params: idParam,
        body: { $ref: 'RuleTryRequest#' },
        response: {
          200: success("The rule's result for each sample, in order", ruleTryResponseSchema),
          400: failure(
            'An unknown rule (the path parameter `id`), wrong params or samples; `details` points at where (`in` names a part other than the body)',
            unknownRewardAt(tried.id),
          ),
          401: failures.unauthenticated,
          413: failures.tooLarge,
          415: failures.unsupportedMediaType,
          503: failures.overloaded,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { samples, params } = request.body as {
        samples: Array<{ completion: string; prompt?: string; reference?: unknown; metadata?: Record<string, unknown> }>;
        params?: Record<string, unknown>;
      };
      const { scoring, signal } = app.verdict.scope(request, reply);
      const result = await scoreBatch(
        {
          rewards: [{ id, params }],
          groups: samples.map((s) => ({ prompt: s.prompt, reference: s.reference, metadata: s.metadata, completions: [s.completion] })),
          advantages: { method: 'none' },
        },
        scoring,
        { checkReferences: false, signal, pointers: { reward: () => tried } }, // trying a rule shows the null a sample without a reference gets
      );
      const results = result.groups.map((g) => g.completions[0].rewards[id]);
      return { rule: results[0].version, results };
    },
  );

  app.delete(
    '/v1/rewards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['rewards'],
        summary: 'Deprecate a rule: hidden from the listing, `id` stops resolving, `id@n` keeps scoring; `?purge=true` also removes every version',
        description:
          'Deprecated versions still count toward MAX_RULES (pinned, they keep scoring). `?purge=true` deprecates and drops every version: they stop scoring, no longer count, and their numbers are never reused; refused (409) while another stored rule pins one of them.',
        params: idParam,
        querystring: {
          type: 'object',
          properties: { purge: { type: 'string', enum: ['true', 'false'], default: 'false' } },
          additionalProperties: false,
        },
        response: {
          200: success('Every version is deprecated (and, with `?purge=true`, removed)', ruleDeprecatedSchema),
          401: failures.unauthenticated,
          403: failures.forbidden,
          404: failures.rewardNotFound,
          409: failure('A built-in id, or a purge of a rule another stored rule pins', new RuleInUse('"strict-format"', 'strict-answer@1')),
          503: failures.storeUnavailable,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const purge = (request.query as { purge: 'true' | 'false' }).purge === 'true';
      if (app.verdict.registry.isBuiltin(id)) throw new BuiltinRewardConflict(JSON.stringify(id));
      const versions = purge ? await rules.store.purge(id) : await rules.store.deprecate(id);
      if (versions === 0) throw new RewardNotFound(JSON.stringify(id));
      await rules.refresh(id);
      request.log.info({ rule: id, versions, purged: purge }, purge ? 'rule purged' : 'rule deprecated');
      return { id, deprecated: true, versions, purged: purge };
    },
  );
}
