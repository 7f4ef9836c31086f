/** Discovery: the rules this server knows, with their params schemas and runnable examples. */
import type { FastifyInstance } from 'fastify';
import { RewardNotFound } from '../errors.ts';

export async function rewardRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/rewards',
    {
      schema: {
        tags: ['rewards'],
        summary: 'List reward rules',
        querystring: {
          type: 'object',
          // Query values are strings and the app's ajv does not coerce types.
          properties: { include_deprecated: { type: 'string', enum: ['true', 'false'], default: 'false' } },
          additionalProperties: false,
        },
        response: { 200: { $ref: 'RewardList#' } },
      },
    },
    async (request) => {
      const { include_deprecated } = request.query as { include_deprecated: 'true' | 'false' };
      return { rewards: app.verdict.registry.list({ includeDeprecated: include_deprecated === 'true' }) };
    },
  );

  app.get(
    '/v1/rewards/:id',
    {
      schema: {
        tags: ['rewards'],
        summary: 'One reward rule',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: { $ref: 'RewardInfo#' }, 404: { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const info = app.verdict.registry.get(id);
      if (!info) throw new RewardNotFound(JSON.stringify(id));
      return info;
    },
  );
}
