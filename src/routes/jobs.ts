/** POST /v1/jobs submits a scoring request to run in the background; GET /v1/jobs/:id polls it, on any replica. */
import type { FastifyInstance } from 'fastify';
import { scoreResponseSchema } from '../../schemas/score-response.ts';
import { JobNotFound, TooManyJobs } from '../errors.ts';
import type { Jobs } from '../jobs.ts';
import { failure, failures, success } from './responses.ts';
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

// Answers the server gave for ScoreRequest's example as a job: one just submitted, another polled once done.
const submitted = {
  id: '843eab50-f1e1-4e30-86e3-c2a0826e24ee',
  status: 'running',
  created_at: '2026-12-07T08:12:30.636Z',
  progress: { groups_done: 0, groups: 1 },
  started_at: '2026-12-07T08:12:30.638Z',
};
const done = {
  id: '1a605d56-ab04-4662-b4eb-e4c70572f813',
  status: 'done',
  created_at: '2026-12-07T08:12:31.676Z',
  progress: { groups_done: 1, groups: 1 },
  started_at: '2026-12-07T08:12:31.677Z',
  finished_at: '2026-12-07T08:12:31.681Z',
  result: { ...scoreResponseSchema.examples[0], timing: { total_ms: 3.44, cells: 2, unique_cells: 2 } },
};

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
        response: {
          202: success('Accepted: queued or already running; `Location` is where to poll it', jobSchema, submitted),
          400: failures.badRequest,
          401: failures.unauthenticated,
          413: failures.tooLarge,
          415: failures.unsupportedMediaType,
          503: failure('`MAX_JOBS` jobs are queued or running (or the replica is draining); retry after `Retry-After`', new TooManyJobs(100, 100)),
        },
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
        response: {
          200: success('The job: its status and progress, and its result once done', jobSchema, done),
          401: failures.unauthenticated,
          404: failure('No such job, or a finished one older than `JOB_TTL_MS`', new JobNotFound('"nope"')),
          503: failures.storeUnavailable,
        },
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
