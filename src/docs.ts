/** OpenAPI from the route schemas (@fastify/swagger), Swagger UI at /docs, the document at /openapi.json. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Where Swagger UI's pages are: routes a plugin adds, which cannot declare their auth level. */
export const DOCS_PREFIX = '/docs';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Verdict',
        version: '0.1.0',
        description: 'Verifiable, rule-based rewards for reinforcement learning of language models (GRPO).',
      },
      tags: [
        { name: 'scoring', description: 'Score batches of grouped completions' },
        { name: 'rewards', description: 'The reward rules' },
        { name: 'ops', description: 'Health and metrics' },
      ],
    },
    // Shared schemas become components named by their $id (ScoreRequest, Group, ...).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());
}
