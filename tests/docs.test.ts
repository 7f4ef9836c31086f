/** Discovery and docs: the OpenAPI document is valid, names the shared shapes, and /docs serves Swagger UI. */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('OpenAPI', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('shows shared shapes as named components and every route with an example-bearing schema', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['ScoreRequest', 'ScoreResponse', 'Group', 'Completion', 'RewardSpec', 'CellResult', 'Error', 'RewardInfo']),
    );
    expect(document.components.schemas.ScoreRequest.examples).toHaveLength(1);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/score', '/v1/rewards', '/v1/rewards/{id}', '/healthz', '/readyz']));
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });
});

describe('discovery', () => {
  it('lists every rule with its version, params schema and examples', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/rewards' });
    expect(response.statusCode).toBe(200);
    const format = response.json().rewards.find((r: { id: string }) => r.id === 'think-format');
    expect(format).toMatchObject({ version: 3, kind: 'builtin', range: [0, 1] });
    expect(format.params_schema.properties.prefilled_think.default).toBe(false);
    expect(format.examples.length).toBeGreaterThan(2);
  });

  it('answers an unknown rule with 404 and a catalog code', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/rewards/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('VERDICT_REWARD_NOT_FOUND');
  });
});
