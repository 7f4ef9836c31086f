/** POST /v1/score through inject: the shape of results and every class of bad input. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ maxCompletions: 10, bodyLimitBytes: 4096 });
});
afterAll(() => app.close());

const good = '<think>\n2+2 is 4\n</think>\n<answer>\n4\n</answer>';

describe('scoring', () => {
  it('returns per-rule breakdowns, the weighted reward, advantages and rule summaries', async () => {
    const { status, body } = await score(app, {
      rewards: [{ id: 'think-format' }, { id: 'tag-count', weight: 0.5 }],
      groups: [{ id: 'q1', completions: [good, 'The answer is 4.'] }],
    });
    expect(status).toBe(200);
    const [first, second] = body.groups[0].completions;
    expect(first.rewards['think-format']).toMatchObject({ score: 1, version: 'think-format@3' });
    expect(first.reward).toBe(1.5); // 1 * 1 + 0.5 * 1
    expect(second.rewards['think-format']).toMatchObject({ score: 0, reason: 'missing_think' });
    expect(second.reward).toBe(0);
    // (1.5 - mean 0.75) / (unbiased std sqrt(2 * 0.75^2) + 1e-4)
    expect(body.groups[0].advantages[0]).toBeCloseTo(0.75 / (Math.sqrt(2 * 0.75 ** 2) + 1e-4), 9);
    expect(body.rules['think-format']).toEqual({ mean: 0.5, scored: 2, skipped: 0, failed: 0 });
    expect(body.timing.cells).toBe(4);
  });

  it('scores the last assistant message of a conversation', async () => {
    const conversation = [
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: good },
    ];
    const { body } = await score(app, { rewards: [{ id: 'think-format' }], groups: [{ completions: [conversation] }] });
    expect(body.groups[0].completions[0].rewards['think-format'].score).toBe(1);
  });

  it('marks a conversation without an assistant message instead of scoring it 0', async () => {
    const { body } = await score(app, {
      rewards: [{ id: 'think-format' }],
      groups: [{ completions: [[{ role: 'user', content: 'hi' }], good] }],
    });
    const [empty] = body.groups[0].completions;
    expect(empty).toMatchObject({ reward: null, error: 'no_assistant_message' });
    expect(empty.rewards['think-format']).toMatchObject({ score: null, reason: 'no_completion' });
    expect(body.groups[0].advantages[0]).toBe(0);
  });

  it("lets a group override the batch's rewards", async () => {
    const { body } = await score(app, {
      rewards: [{ id: 'think-format' }],
      groups: [{ completions: [good] }, { rewards: [{ id: 'tag-count' }], completions: [good] }],
    });
    expect(Object.keys(body.groups[0].completions[0].rewards)).toEqual(['think-format']);
    expect(Object.keys(body.groups[1].completions[0].rewards)).toEqual(['tag-count']);
  });

  it('scores identical cells once (GRPO groups repeat completions)', async () => {
    const { body } = await score(app, { rewards: [{ id: 'think-format' }], groups: [{ completions: [good, good, good, 'x'] }] });
    expect(body.timing).toMatchObject({ cells: 4, unique_cells: 2 });
    expect(body.groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 1, 1, 0]);
  });

  it('uses one rule twice under distinct names', async () => {
    const { status, body } = await score(app, {
      rewards: [{ id: 'think-format' }, { id: 'think-format', name: 'strict', params: { answer_tag: true } }],
      groups: [{ completions: ['<think>a</think> 4'] }],
    });
    expect(status).toBe(200);
    expect(body.groups[0].completions[0].rewards.strict).toMatchObject({ score: 0, reason: 'missing_answer_tag' });
  });
});

describe('bad input is a 4xx with a code and a pointer', () => {
  const cases: Array<[string, Record<string, unknown>, number, string, string?]> = [
    // [why, inject options, status, code, pointer of the first detail]
    ['body is not JSON', { payload: '{"rewards": [', headers: { 'content-type': 'application/json' } }, 400, 'VERDICT_INVALID_JSON'],
    ['groups missing', { payload: { rewards: [{ id: 'think-format' }] } }, 400, 'VERDICT_INVALID_REQUEST', ''],
    [
      'completion is a number',
      { payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: [1] }] } },
      400,
      'VERDICT_INVALID_REQUEST',
      '/groups/0/completions/0',
    ],
    [
      'weight is a string',
      { payload: { rewards: [{ id: 'think-format', weight: 'x' }], groups: [{ completions: ['a'] }] } },
      400,
      'VERDICT_INVALID_REQUEST',
      '/rewards/0/weight',
    ],
    [
      'unknown top-level field',
      { payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: ['a'] }], extra: 1 } },
      400,
      'VERDICT_INVALID_REQUEST',
      '',
    ],
    ['unknown reward id', { payload: { rewards: [{ id: 'thinkformat' }], groups: [{ completions: ['a'] }] } }, 400, 'VERDICT_UNKNOWN_REWARD', '/rewards/0/id'],
    [
      'unknown version of a built-in',
      { payload: { rewards: [{ id: 'think-format@9' }], groups: [{ completions: ['a'] }] } },
      400,
      'VERDICT_UNKNOWN_REWARD',
      '/rewards/0/id',
    ],
    [
      'param of the wrong type',
      { payload: { rewards: [{ id: 'think-format', params: { min_think_chars: 'x' } }], groups: [{ completions: ['a'] }] } },
      400,
      'VERDICT_INVALID_PARAMS',
      '/rewards/0/params/min_think_chars',
    ],
    [
      'unknown param',
      { payload: { rewards: [{ id: 'think-format', params: { bogus: true } }], groups: [{ completions: ['a'] }] } },
      400,
      'VERDICT_INVALID_PARAMS',
      '/rewards/0/params',
    ],
    [
      'bad param inside a group override',
      { payload: { groups: [{ rewards: [{ id: 'tag-count', params: { newlines: 1 } }], completions: ['a'] }] } },
      400,
      'VERDICT_INVALID_PARAMS',
      '/groups/0/rewards/0/params/newlines',
    ],
    ['no rewards anywhere', { payload: { groups: [{ completions: ['a'] }] } }, 400, 'VERDICT_MISSING_REWARDS', '/groups/0'],
    [
      'same name twice',
      { payload: { rewards: [{ id: 'think-format' }, { id: 'think-format' }], groups: [{ completions: ['a'] }] } },
      400,
      'VERDICT_DUPLICATE_REWARD_NAME',
      '/rewards/1',
    ],
    [
      'too many completions',
      { payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: Array(11).fill('a') }] } },
      413,
      'VERDICT_TOO_MANY_COMPLETIONS',
    ],
    ['body over the limit', { payload: { rewards: [{ id: 'think-format' }], groups: [{ completions: ['a'.repeat(5000)] }] } }, 413, 'VERDICT_BODY_TOO_LARGE'],
    ['wrong content type', { payload: '<a/>', headers: { 'content-type': 'application/xml' } }, 415, 'VERDICT_UNSUPPORTED_MEDIA_TYPE'],
    [
      'arrays nested 1,500 deep',
      { payload: `{"groups": ${'['.repeat(1_500)}${']'.repeat(1_500)}}`, headers: { 'content-type': 'application/json' } },
      400,
      'VERDICT_TOO_DEEP',
    ],
    ['empty body', { payload: '', headers: { 'content-type': 'application/json' } }, 400, 'VERDICT_INVALID_JSON'],
    [
      'prototype pollution key',
      { payload: '{"__proto__": {"x": 1}, "groups": []}', headers: { 'content-type': 'application/json' } },
      400,
      'VERDICT_INVALID_JSON',
    ],
  ];

  it.each(cases)('%s', async (_why, options, status, code, pointer) => {
    const response = await app.inject({ method: 'POST', url: '/v1/score', ...options });
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body).toMatchObject({ statusCode: status, code });
    expect(typeof body.message).toBe('string');
    if (pointer !== undefined) expect(body.details[0].pointer).toBe(pointer);
  });

  it('names the unknown id and lists the known ones', async () => {
    const { body } = await score(app, { rewards: [{ id: 'thinkformat' }], groups: [{ completions: ['a'] }] });
    expect(body.message).toContain('"thinkformat"');
    expect(body.details[0].known).toContain('think-format');
  });

  it('answers an unknown route with a catalog 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('VERDICT_ROUTE_NOT_FOUND');
  });

  it.each([
    // The router refuses these before any route or error handler: found by the fuzzer (seed -1562033746).
    ['an id longer than any id', `/v1/rewards/${'x'.repeat(101)}`, 414, 'VERDICT_PATH_SEGMENT_TOO_LONG'],
    ['a malformed percent escape', '/v1/rewards/%E0%A4%A', 400, 'VERDICT_BAD_URL'],
  ])('answers %s with a catalog error', async (_why, url, status, code) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ statusCode: status, code, message: expect.stringContaining('/v1/rewards/') });
  });

  it('answers a body shorter than its Content-Length with a catalog 400', async () => {
    const headers = { 'content-type': 'application/json', 'content-length': '50' };
    const response = await app.inject({ method: 'POST', url: '/v1/score', headers, payload: '{}' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VERDICT_INVALID_REQUEST', message: expect.stringContaining('Content-Length') });
  });
});
