/** POST /v1/jobs submits a scoring request to run in the background; GET /v1/jobs/:id polls it, on any replica. */
import type { FastifyInstance } from 'fastify';
import { JobNotFound } from '../errors.ts';
import type { Jobs } from '../jobs.ts';
import type { ScoreRequest } from '../scoring/types.ts';
import type { JobRecord } from '../storage/job-store.ts';

const jobSchema = {
  type: 'object',
  required: ['id', 'status', 'progress'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
    created_at: { type: 'string' },
    started_at: { type: 'string' },
    finished_at: { type: 'string' },
    progress: { type: 'object', properties: { groups_done: { type: 'integer' }, groups: { type: 'integer' } } },
    result: { $ref: 'ScoreResponse#' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

/**
 * A job as JSON; a result is spliced in as stored (it can be megabytes, and
 * was written by JSON.stringify of a ScoreResponse), not parsed to be written again.
 */
function jobJson({ result, ...job }: JobRecord): string {
  const head = JSON.stringify(job);
  return result === undefined ? head : `${head.slice(0, -1)},"result":${result}}`;
}

export async function jobRoutes(app: FastifyInstance, { jobs }: { jobs: Jobs }): Promise<void> {
  app.post(
    '/v1/jobs',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Submit a large scoring request as a background job; any replica answers its polls',
        body: { $ref: 'ScoreRequest#' },
        response: { 202: jobSchema, 400: { $ref: 'Error#' }, 413: { $ref: 'Error#' }, 503: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const job = await jobs.submit(request.body as ScoreRequest);
      return reply.status(202).header('location', `/v1/jobs/${job.id}`).type('application/json; charset=utf-8').send(jobJson(job));
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      schema: {
        tags: ['scoring'],
        summary: 'Poll a job; `result` is present once `status` is `done`',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: jobSchema, 404: { $ref: 'Error#' }, 503: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const job = await jobs.get(id);
      if (!job) throw new JobNotFound(JSON.stringify(id));
      return reply.type('application/json; charset=utf-8').send(jobJson(job));
    },
  );
}
