/** Discovery: the rules this server knows, with their params schemas and runnable examples. */
import type { FastifyInstance } from 'fastify';
import { rewardInfoSchema, rewardListSchema } from '../../schemas/reward-info.ts';
import { RewardNotFound } from '../errors.ts';
import { failures, success } from './responses.ts';

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
        response: { 200: success('Every rule this server scores with: built-ins, then registered rules', rewardListSchema), 401: failures.unauthenticated },
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
        response: {
          200: success('The rule: version, params schema, range, examples (a registered rule: also its stored definition)', rewardInfoSchema),
          401: failures.unauthenticated,
          404: failures.rewardNotFound,
        },
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
