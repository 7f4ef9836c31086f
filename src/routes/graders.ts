/**
 * OpenAI's grader API on Verdict's rules: POST /v1/graders/run scores one
 * sample with a grader JSON as-is; POST /v1/graders/validate checks it and
 * shows which built-in rules it runs as. Paths mirror OpenAI's
 * /fine_tuning/alpha/graders/{run,validate}.
 */
import type { FastifyInstance } from 'fastify';
import { compileGrader } from '../graders/openai-grader.ts';
import { runGrader } from '../graders/run-grader.ts';

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 503: { $ref: 'Error#' } };

interface RunBody {
  grader: Record<string, unknown>;
  model_sample: string;
  item?: Record<string, unknown>;
}

export async function graderRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/v1/graders/run',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Run an OpenAI grader (string_check, text_similarity, multi) on one sample',
        body: { $ref: 'GraderRunRequest#' },
        response: { 200: { $ref: 'GraderRunResponse#' }, ...errors },
      },
    },
    async (request) => {
      const body = request.body as RunBody;
      const grader = compileGrader(body.grader, app.verdict.registry);
      const result = await runGrader(grader, body.model_sample, body.item ?? {}, app.verdict.scoring);
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
        response: { 200: { $ref: 'GraderValidateResponse#' }, ...errors },
      },
    },
    async (request) => {
      const { grader } = request.body as { grader: Record<string, unknown> };
      const compiled = compileGrader(grader, app.verdict.registry);
      return { grader, rules: Object.fromEntries(compiled.leaves.map((leaf) => [leaf.name, { id: leaf.rule, params: leaf.params }])) };
    },
  );
}
