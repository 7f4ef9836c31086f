/**
 * Discovery and docs: the OpenAPI document is valid, names the shared shapes, describes every status of
 * every route with an example of its own that validates and is real, and /docs serves Swagger UI.
 */
import { STATUS_CODES } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpErrors } from '../scripts/docs/errors-page.ts';
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

  interface Media {
    schema: object;
    example?: unknown;
  }
  interface Documented {
    route: string;
    status: string;
    description: string;
    media: Array<[string, Media]>;
  }
  async function documented(): Promise<{
    document: {
      components: object;
      paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, Media> }> }>>;
    };
    responses: Documented[];
  }> {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const responses = Object.entries(
      document.paths as Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, Media> }> }>>,
    ).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.entries(operation.responses).map(([status, response]) => ({
          route: `${method.toUpperCase()} ${path}`,
          status,
          description: response.description,
          media: Object.entries(response.content ?? {}),
        })),
      ),
    );
    return { document, responses };
  }

  it('describes each status of each route with a description and an example that validates against its schema', async () => {
    const { document, responses } = await documented();
    expect(responses.length).toBeGreaterThan(60);
    // The components under one id, so that `#/components/schemas/X` resolves from any route's schema.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const local = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
    ajv.addSchema({ $id: 'openapi', components: local(document.components) });
    const problems: string[] = [];
    for (const { route, status, description, media } of responses) {
      const at = `${route} ${status}`;
      if (!description || description === 'Default Response') problems.push(`${at}: no description`);
      if (media.length === 0) problems.push(`${at}: no content`);
      for (const [type, { schema, example }] of media) {
        if (example === undefined) problems.push(`${at} ${type}: no example`);
        else if (!ajv.validate(local(schema), example)) problems.push(`${at} ${type}: ${ajv.errorsText()}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives each status of a route an example of its own (not one 400 shown under 413, 422 and 503)', async () => {
    const { responses } = await documented();
    const byRoute = new Map<string, string[]>();
    for (const { route, media } of responses) byRoute.set(route, [...(byRoute.get(route) ?? []), JSON.stringify(media[0]?.[1].example)]);
    for (const [route, examples] of byRoute) expect(new Set(examples).size, route).toBe(examples.length);
  });

  it('shows errors as the server writes them: a catalog code with its status, reason phrase and message template', async () => {
    const catalog = new Map(httpErrors().map((e) => [e.code, e]));
    const { responses } = await documented();
    const errors = responses.filter((r) => Number(r.status) >= 400 && r.media[0]?.[0] === 'application/json' && r.route !== 'GET /readyz');
    expect(errors.length).toBeGreaterThan(40);
    for (const { route, status, media } of errors) {
      const example = media[0][1].example as { statusCode: number; code: string; error: string; message: string };
      const entry = catalog.get(example.code);
      expect(entry, `${route} ${status}: ${example.code}`).toBeDefined();
      expect([example.statusCode, entry!.status]).toEqual([Number(status), Number(status)]);
      expect(example.error).toBe(STATUS_CODES[example.statusCode]);
      const template = new RegExp(`^${entry!.template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('%s', '.+')}$`, 's');
      expect(example.message, `${route} ${status}`).toMatch(template);
    }
  });

  it("shows real answers: each success example is what the server answers to its route's request example", async () => {
    const { document } = await documented();
    const paths = document.paths as Record<
      string,
      Record<string, { requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> }>
    >;
    const example = (path: string, method: string, status: string) => paths[path][method].responses[status].content!['application/json'].example;
    // A request body is a shared schema: its example is the component's.
    const components = (document.components as { schemas: Record<string, { examples?: object[] }> }).schemas;
    const request = (path: string) => {
      const { schema } = paths[path].post.requestBody!.content['application/json'] as { schema: { $ref: string } };
      return components[schema.$ref.split('/').at(-1)!].examples![0];
    };
    // Times, clocks, ids and machine facts differ from run to run.
    const volatile = new Set(['ms', 'total_ms', 'execution_time', 'created_at', 'started_at', 'finished_at', 'id', 'node', 'pools']);
    const steady = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(steady)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .filter(([k]) => !volatile.has(k))
                .map(([k, v]) => [k, steady(v)]),
            )
          : value;
    const post = async (url: string, payload: object) => (await app.inject({ method: 'POST', url, payload })).json();

    for (const path of ['/v1/score', '/v1/openrlhf', '/v1/graders/run', '/v1/graders/validate', '/v1/rewards/validate']) {
      expect(steady(await post(path, request(path))), path).toEqual(steady(example(path, 'post', '200')));
    }
    const registered = (await post('/v1/rewards', request('/v1/rewards'))) as { hash: string };
    expect(steady(registered)).toEqual(steady(example('/v1/rewards', 'post', '201')));
    expect(registered.hash).toBe((example('/v1/rewards', 'post', '201') as { hash: string }).hash);
    expect(steady(await post('/v1/rewards', request('/v1/rewards')))).toEqual(steady(example('/v1/rewards', 'post', '200')));
    expect(steady(await post('/v1/rewards/strict-format/try', request('/v1/rewards/{id}/try')))).toEqual(
      steady(example('/v1/rewards/{id}/try', 'post', '200')),
    );
    // The documented rule shows its first two examples.
    const cut = (info: { examples: unknown[] }) => ({ ...info, examples: info.examples.slice(0, 2) });
    expect(cut((await app.inject({ method: 'GET', url: '/v1/rewards/tag-count' })).json())).toEqual(example('/v1/rewards/{id}', 'get', '200'));
    const listed = (await app.inject({ method: 'GET', url: '/v1/rewards' })).json().rewards.find((r: { id: string }) => r.id === 'tag-count');
    expect([cut(listed)]).toEqual((example('/v1/rewards', 'get', '200') as { rewards: unknown[] }).rewards);
    expect((await app.inject({ method: 'DELETE', url: '/v1/rewards/strict-format' })).json()).toEqual(example('/v1/rewards/{id}', 'delete', '200'));

    const job = await post('/v1/jobs', request('/v1/jobs'));
    expect(Object.keys(job).sort()).toEqual(expect.arrayContaining(['created_at', 'id', 'progress', 'status']));
    let polled: { status: string } = job;
    while (polled.status !== 'done') polled = (await app.inject({ method: 'GET', url: `/v1/jobs/${job.id}` })).json();
    expect(steady(polled)).toEqual(steady(example('/v1/jobs/{id}', 'get', '200')));
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual(example('/healthz', 'get', '200'));
    expect(steady((await app.inject({ method: 'GET', url: '/readyz' })).json())).toEqual(steady(example('/readyz', 'get', '200')));
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
