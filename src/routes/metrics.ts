/** GET /metrics in Prometheus text format. */
import type { FastifyInstance } from 'fastify';

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/metrics', { config: { auth: 'none' }, schema: { tags: ['ops'], summary: 'Prometheus metrics' }, logLevel: 'warn' }, async (_request, reply) => {
    const { registry } = app.verdict.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
