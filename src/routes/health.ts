/**
 * Liveness and readiness: /healthz never touches the pools; /readyz fails while draining or while a pool
 * is down, and says which languages the code sandbox runs (a language that is off does not fail it).
 */
import type { FastifyInstance } from 'fastify';

const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    reason: { type: 'string' },
    node: { type: 'string', description: 'the Node.js version serving' },
    pools: { type: 'object', additionalProperties: true },
    sandbox: {
      type: 'object',
      properties: {
        languages: { type: 'array', items: { type: 'string' } },
        unavailable: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
} as const;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    { config: { auth: 'none' }, schema: { tags: ['ops'], summary: 'Liveness', response: { 200: healthSchema } }, logLevel: 'warn' },
    async () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/readyz',
    { config: { auth: 'none' }, schema: { tags: ['ops'], summary: 'Readiness', response: { 200: healthSchema, 503: healthSchema } }, logLevel: 'warn' },
    async (_request, reply) => {
      const { pools, state } = app.verdict;
      const stats = { score: pools.score.stats(), sandbox: pools.sandbox.stats() };
      const down = Object.entries(stats).find(([, s]) => s.alive === 0);
      const reason = state.draining ? 'draining' : down ? `${down[0]} pool has no live worker` : undefined;
      return reply
        .status(reason ? 503 : 200)
        .send({ status: reason ? 'unavailable' : 'ready', reason, node: process.version, pools: stats, sandbox: app.verdict.sandbox });
    },
  );
}
