/**
 * Registering rules over HTTP: POST /v1/rewards (examples gate, then a
 * durable append), POST /v1/rewards/validate (the same checks, nothing
 * stored), POST /v1/rewards/{id}/try (score samples with any rule) and
 * DELETE /v1/rewards/{id} (deprecate). Registration and deprecation need an
 * admin key when VERDICT_ADMIN_KEYS is set.
 */
import type { FastifyInstance } from 'fastify';
import { BuiltinRewardConflict, ExamplesFailed, RewardNotFound, withDetails } from '../errors.ts';
import { runExamples, type ExampleOutcome } from '../registry/examples-gate.ts';
import { prepareRule, type PreparedRule } from '../registry/prepare-rule.ts';
import type { RuleRegistration } from '../registry/rule-definition.ts';
import type { StoredRules } from '../registry/stored-rules.ts';
import { scoreBatch } from '../scoring/score-batch.ts';

const errors = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
  413: { $ref: 'Error#' },
  503: { $ref: 'Error#' },
};
const idParam = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

export async function ruleAdminRoutes(app: FastifyInstance, options: { rules: StoredRules }): Promise<void> {
  const { rules } = options;
  const { config } = app.verdict;

  /** Everything a registration must pass before it may be stored. */
  async function check(body: RuleRegistration): Promise<{ prepared: PreparedRule; outcomes: ExampleOutcome[] }> {
    const version = (rules.versions(body.id).at(-1)?.version ?? 0) + 1;
    const prepared = prepareRule(body, app.verdict.registry, version, config);
    const outcomes = await runExamples(prepared.bound, body.examples, app.verdict.scoring);
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
      config: { auth: 'admin' },
      schema: {
        tags: ['rewards'],
        summary: 'Register a rule (or its next version); its examples must pass first',
        body: { $ref: 'RuleRegistration#' },
        response: { 200: { $ref: 'RuleRegistered#' }, 201: { $ref: 'RuleRegistered#' }, ...errors, 422: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const body = request.body as RuleRegistration;
      const { prepared, outcomes } = await check(body);
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
      config: { auth: 'admin' },
      schema: {
        tags: ['rewards'],
        summary: 'Run every registration check, examples included, without storing',
        body: { $ref: 'RuleRegistration#' },
        response: { 200: { $ref: 'RuleValidation#' }, ...errors, 422: { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const body = request.body as RuleRegistration;
      const { prepared, outcomes } = await check(body);
      return { valid: true, id: prepared.id, kind: body.kind, hash: prepared.hash, examples: outcomes };
    },
  );

  app.post(
    '/v1/rewards/:id/try',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Score samples with one rule (`id` or `id@version`)',
        params: idParam,
        body: { $ref: 'RuleTryRequest#' },
        response: { 200: { $ref: 'RuleTryResponse#' }, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { samples, params } = request.body as {
        samples: Array<{ completion: string; prompt?: string; reference?: unknown; metadata?: Record<string, unknown> }>;
        params?: Record<string, unknown>;
      };
      const result = await scoreBatch(
        {
          rewards: [{ id, params }],
          groups: samples.map((s) => ({ prompt: s.prompt, reference: s.reference, metadata: s.metadata, completions: [s.completion] })),
          advantages: { method: 'none' },
        },
        app.verdict.scoring,
        { checkReferences: false }, // trying a rule shows the null a sample without a reference gets
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
        response: { 200: { $ref: 'RuleDeprecated#' }, ...errors, 404: { $ref: 'Error#' } },
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
