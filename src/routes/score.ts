/** POST /v1/score: the call a trainer makes once per step. */
import type { FastifyInstance } from 'fastify';
import { scoreBatch } from '../scoring/score-batch.ts';
import type { ScoreRequest } from '../scoring/types.ts';

const errorResponses = { 400: { $ref: 'Error#' }, 413: { $ref: 'Error#' }, 503: { $ref: 'Error#' } };

export async function scoreRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/v1/score',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Score groups of completions; returns rewards, per-rule breakdowns and GRPO advantages',
        body: { $ref: 'ScoreRequest#' },
        response: { 200: { $ref: 'ScoreResponse#' }, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as ScoreRequest;
      const signal = body.deadline_ms ? AbortSignal.timeout(body.deadline_ms) : undefined;
      const result = await scoreBatch(body, app.verdict.scoring, signal);
      request.log.info({ groups: result.groups.length, cells: result.timing.cells, ms: Math.round(result.timing.total_ms) }, 'scored');
      return result;
    },
  );
}
