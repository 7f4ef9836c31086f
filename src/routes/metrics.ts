/** GET /metrics in Prometheus text format. */
import type { FastifyInstance } from 'fastify';

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const text = {
    schema: { type: 'string' },
    example:
      '# HELP verdict_cells_total Cells scored, by rule and outcome\n# TYPE verdict_cells_total counter\nverdict_cells_total{rule="think-format",outcome="scored"} 2\n',
  };
  const response = { 200: { description: 'Prometheus text format (version 0.0.4)', content: { 'text/plain': text } } };
  app.get(
    '/metrics',
    { config: { auth: 'none' }, schema: { tags: ['ops'], summary: 'Prometheus metrics', response }, logLevel: 'warn' },
    async (_request, reply) => {
      const { registry } = app.verdict.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
