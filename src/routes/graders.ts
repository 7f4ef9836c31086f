/**
 * OpenAI's grader API on Verdict's rules: POST /v1/graders/run scores one
 * sample with a grader JSON as-is; POST /v1/graders/validate checks it and
 * shows which built-in rules it runs as. Paths mirror OpenAI's
 * /fine_tuning/alpha/graders/{run,validate}.
 */
import type { FastifyInstance } from 'fastify';
import { compileGrader } from '../graders/openai-grader.ts';
import { runGrader } from '../graders/run-grader.ts';
import { graderRunResponseSchema, graderValidateResponseSchema } from '../../schemas/graders.ts';
import { UnsupportedGrader, withDetails } from '../errors.ts';
import { failure, failures, success } from './responses.ts';

const why = 'Verdict does not run Python graders; register a `javascript` rule (POST /v1/rewards) or use code-tests';
const unsupported = failure(
  'A grader Verdict cannot run, or a malformed one; `details` points at it',
  withDetails(new UnsupportedGrader('"python"', why), [{ pointer: '/grader/type', message: why }]),
);

interface RunBody {
  grader: Record<string, unknown>;
  model_sample: string;
  item?: Record<string, unknown>;
}

export async function graderRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/v1/graders/run',
    {
      config: { scoring: true },
      schema: {
        tags: ['scoring'],
        summary: 'Run an OpenAI grader (string_check, text_similarity, multi) on one sample',
        body: { $ref: 'GraderRunRequest#' },
        response: {
          200: success("OpenAI's answer shape: `reward` (null when a grader could not score), each grader's score in `sub_rewards`", graderRunResponseSchema),
          400: unsupported,
          401: failures.unauthenticated,
          415: failures.unsupportedMediaType,
          503: failures.overloaded,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as RunBody;
      const grader = compileGrader(body.grader, app.verdict.registry);
      const { scoring, signal } = app.verdict.scope(request, reply);
      const result = await runGrader(grader, body.model_sample, body.item ?? {}, scoring, signal);
      request.log.info({ grader: grader.type, graders: grader.leaves.length, scored: result.reward !== null }, 'grader run');
      return result;
    },
  );

  app.post(
    '/v1/graders/validate',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Check an OpenAI grader and show the built-in rules it runs as',
        body: { $ref: 'GraderValidateRequest#' },
        response: {
          200: success('The grader as checked, and the built-in rule (with params) each of its graders runs as', graderValidateResponseSchema),
          400: unsupported,
          401: failures.unauthenticated,
          415: failures.unsupportedMediaType,
        },
      },
    },
    async (request) => {
      const { grader } = request.body as { grader: Record<string, unknown> };
      const compiled = compileGrader(grader, app.verdict.registry);
      return { grader, rules: Object.fromEntries(compiled.leaves.map((leaf) => [leaf.name, { id: leaf.rule, params: leaf.params }])) };
    },
  );
}
