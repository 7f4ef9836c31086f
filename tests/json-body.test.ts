/**
 * The JSON body parser through HTTP: a large body is scored like a small one,
 * secure-json-parse's refusals hold however large the body, and a blank body
 * says so. (Splitting large bodies before parsing was dropped: see
 * docs/performance-notes.md and bench/json-body.ts.)
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const completion = (i: number) => `<think>${'step '.repeat(200)}${i}</think> The answer is \\boxed{${i % 3}}.`;
const groups = Array.from({ length: 8 }, (_, g) => ({ reference: '1', completions: Array.from({ length: 16 }, (_, k) => completion(g * 16 + k)) }));
const post = (payload: string) => app.inject({ method: 'POST', url: '/v1/score', headers: { 'content-type': 'application/json' }, payload });

describe('a large body', () => {
  it('is scored like a small one', async () => {
    const payload = JSON.stringify({ rewards: [{ id: 'think-format' }, { id: 'math-answer' }], groups });
    expect(payload.length).toBeGreaterThan(128 * 1024);
    const response = await post(payload);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { groups: Array<{ completions: Array<{ rewards: Record<string, { score: number | null }> }> }> };
    expect(body.groups).toHaveLength(8);
    expect(body.groups[0].completions[1].rewards['math-answer'].score).toBe(1);
    expect(body.groups[0].completions[0].rewards['math-answer'].score).toBe(0);
  });

  it.each([
    // secure-json-parse looks inside a large member as inside a small one
    [
      'a constructor.prototype key inside a large member',
      `{"rewards":[{"id":"think-format"}],"groups":${JSON.stringify(groups)},"metadata":{"constructor":{"prototype":${JSON.stringify(groups)}}}}`,
    ],
    // and at the top level after megabytes of groups
    ['a __proto__ key after the groups', `{"groups":${JSON.stringify(groups)},"__proto__":{"x":1}}`],
    // a body cut short in the middle of a large string
    ['a body cut short', JSON.stringify({ rewards: [{ id: 'think-format' }], groups }).slice(0, -5000)],
  ])('refuses %s with VERDICT_INVALID_JSON', async (_name, payload) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VERDICT_INVALID_JSON');
  });
});

describe('a blank body', () => {
  it.each([
    ['JSON whitespace', ' \n\t\r '],
    ['Unicode spaces', '\u00a0\u2003\u3000'],
  ])('of %s is refused as empty', async (_name, payload) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VERDICT_INVALID_JSON', message: 'Body is empty' });
  });
});
