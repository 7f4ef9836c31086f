/**
 * POST /v1/score: the call a trainer makes once per step. With
 * `Accept: application/x-ndjson` each group is written as one line as soon as
 * it is final, then one summary line; with `Idempotency-Key` a retried
 * request gets the stored response.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { startBatch } from '../scoring/score-batch.ts';
import type { ScoreRequest, ScoreResponse } from '../scoring/types.ts';
import { scoreResponseSchema } from '../../schemas/score-response.ts';
import { IdempotencyConflict } from '../errors.ts';
import { failure, failures, success } from './responses.ts';

export async function scoreRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/v1/score',
    {
      config: { scoring: true },
      schema: {
        tags: ['scoring'],
        summary: 'Score groups of completions; returns rewards, per-rule breakdowns and GRPO advantages',
        description:
          'Send `Accept: application/x-ndjson` to receive one line per group (`{"index", ...group}`) as soon as it is scored, then a last line `{"done": true, "rules", "warnings", "timing"}`. Send `Idempotency-Key` to make retries safe.',
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 256 } },
        },
        body: { $ref: 'ScoreRequest#' },
        response: {
          200: success(
            "Each completion's reward and per-rule results, each group's advantages, a summary per rule (NDJSON: one line per group, then a summary line)",
            scoreResponseSchema,
          ),
          400: failures.badRequest,
          401: failures.unauthenticated,
          413: failures.tooLarge,
          415: failures.unsupportedMediaType,
          422: failure('The `Idempotency-Key` was used before with a different body', new IdempotencyConflict('"step-1"')),
          503: failures.overloaded,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as ScoreRequest;
      const key = request.headers['idempotency-key'] as string | undefined;
      const streaming = request.headers.accept?.includes('application/x-ndjson') === true;
      const { scoring, signal } = app.verdict.scope(request, reply, { deadlineMs: body.deadline_ms, untilDisconnect: streaming || key === undefined });

      if (streaming) {
        const stream = new PassThrough();
        const result = startBatch(body, scoring, {
          signal,
          log: request.log,
          onWarning: app.verdict.metrics.nullShareWarning,
          onGroup: (index, group) => stream.write(`${JSON.stringify({ index, ...group })}\n`),
        });
        result.then(
          ({ rules, warnings, timing }) => stream.end(`${JSON.stringify({ done: true, rules, warnings, timing })}\n`),
          (error: Error) => stream.end(`${JSON.stringify({ done: true, error: error.message })}\n`),
        );
        return reply.type('application/x-ndjson').send(stream);
      }

      // What a retry replays is the answer's bytes: kept serialized, they are counted exactly.
      const run = async () => {
        const result = await startBatch(body, scoring, { signal, log: request.log, onWarning: app.verdict.metrics.nullShareWarning });
        return { json: responseJson(result), groups: result.groups.length, cells: result.timing.cells, ms: result.timing.total_ms };
      };
      const { result, replayed } = key
        ? await app.verdict.idempotency.run(request.caller.idempotency, key, body, run, (r) => r.json.length)
        : { result: await run(), replayed: false };
      if (replayed) reply.header('idempotent-replayed', 'true');
      request.log.info({ groups: result.groups, cells: result.cells, ms: Math.round(result.ms), replayed }, 'scored');
      return reply.type('application/json; charset=utf-8').send(result.json);
    },
  );
}

/**
 * The reply's JSON as bytes, written group by group. The response schema
 * documents it; V8's JSON.stringify writes it (free-form `details` in every
 * cell make the schema-compiled serializer slower). Stringified whole, a reply
 * this large comes back as a rope that fastify then flattens to count its
 * bytes and encodes again to send (docs/performance-notes.md).
 */
function responseJson({ groups, ...rest }: ScoreResponse): Buffer {
  const parts = [Buffer.from('{"groups":[')];
  groups.forEach((group, i) => parts.push(Buffer.from(i === 0 ? JSON.stringify(group) : `,${JSON.stringify(group)}`)));
  parts.push(Buffer.from(`],${JSON.stringify(rest).slice(1)}`));
  return Buffer.concat(parts);
}
