/** POST /v1/jobs submits a scoring request to run in the background; GET /v1/jobs/:id polls it. */
import type { FastifyInstance } from 'fastify';
import { JobNotFound } from '../errors.ts';
import { startBatch } from '../scoring/score-batch.ts';
import type { ScoreRequest } from '../scoring/types.ts';

const jobSchema = {
  type: 'object',
  required: ['id', 'status', 'progress'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['running', 'done', 'failed'] },
    created_at: { type: 'string' },
    finished_at: { type: 'string' },
    progress: { type: 'object', properties: { groups_done: { type: 'integer' }, groups: { type: 'integer' } } },
    result: { $ref: 'ScoreResponse#' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

export async function jobRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/v1/jobs',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Submit a large scoring request as a background job',
        body: { $ref: 'ScoreRequest#' },
        response: { 202: jobSchema, 400: { $ref: 'Error#' }, 413: { $ref: 'Error#' }, 503: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const body = request.body as ScoreRequest;
      const job = app.verdict.jobs.create(body.groups.length, (groupDone) =>
        startBatch(body, app.verdict.scoring, { onGroup: groupDone, log: request.log }),
      );
      return reply.status(202).header('location', `/v1/jobs/${job.id}`).send(job);
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Poll a job; `result` is present once `status` is `done`',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: jobSchema, 404: { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const job = app.verdict.jobs.get(id);
      if (!job) throw new JobNotFound(JSON.stringify(id));
      return job;
    },
  );
}
