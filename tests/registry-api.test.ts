/**
 * Registering rules through HTTP with a real SQLite store and the real pools:
 * every kind, versions and pins, deprecation, the examples gate, validate,
 * try, and every class of refusal with its status and code.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRewards } from '../rewards/index.ts';
import { ruleJavascriptSchema } from '../schemas/rule-javascript.ts';
import { buildTestApp, score } from './helpers.ts';
import { tempDir } from './storage-backends.ts';

let app: FastifyInstance;
const dataDir = tempDir();
beforeAll(async () => {
  app = await buildTestApp({ dataDir, poolSize: 1, sandboxPoolSize: 1, maxRuleExamples: 5, maxRuleSourceBytes: 2048 });
});
afterAll(async () => {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const good = '<think>\n2+2\n</think>\n<answer>\n4\n</answer>';
const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
const get = (url: string) => app.inject({ method: 'GET', url });

function preset(id: string, extraFields: object = {}) {
  return {
    id,
    kind: 'preset',
    rule: 'think-format',
    params: { answer_tag: true },
    examples: [
      { name: 'answer tag present', completion: good, expected: 1 },
      { name: 'bare answer', completion: '<think>2+2</think> 4', expected: 0, reason: 'missing_answer_tag' },
    ],
    ...extraFields,
  };
}

async function cell(id: string, completion: string) {
  const { status, body } = await score(app, { rewards: [{ id }], groups: [{ completions: [completion] }] });
  expect(status, JSON.stringify(body)).toBe(200);
  return body.groups[0].completions[0].rewards[id];
}

describe('registration and versions', () => {
  it('stores a preset as version 1 and scores with it, echoing id@version', async () => {
    const response = await post('/v1/rewards', preset('strict'));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ id: 'strict', version: 1, ref: 'strict@1', kind: 'preset', created: true });
    expect(response.json().hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await cell('strict', '<think>a</think> 4')).toMatchObject({ score: 0, reason: 'missing_answer_tag', version: 'strict@1' });
  });

  it('answers a retried identical registration with the same version (200, created: false)', async () => {
    const response = await post('/v1/rewards', preset('strict'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ version: 1, created: false });
  });

  it('makes version n+1 for changed content; `id` is the latest, `id@n` pins', async () => {
    const v2 = await post('/v1/rewards', preset('strict', { params: { answer_tag: false } }));
    expect(v2.statusCode, v2.body).toBe(422); // its examples still expect the answer tag, so the gate refuses it
    const fixed = preset('strict', {
      params: { answer_tag: false },
      examples: [{ completion: '<think>2+2</think> 4', expected: 1 }],
    });
    expect((await post('/v1/rewards', fixed)).json()).toMatchObject({ version: 2, created: true });
    expect(await cell('strict', '<think>a</think> 4')).toMatchObject({ score: 1, version: 'strict@2' });
    expect(await cell('strict@1', '<think>a</think> 4')).toMatchObject({ score: 0, version: 'strict@1' });
    expect((await get('/v1/rewards/strict')).json()).toMatchObject({ version: 2, versions: [1, 2], kind: 'preset' });
    expect((await get('/v1/rewards/strict@1')).json()).toMatchObject({ version: 1, definition: { params: { answer_tag: true } } });
  });

  it('lists registered rules with the built-ins; their examples and definition are on GET /v1/rewards/{id}', async () => {
    const { rewards } = (await get('/v1/rewards')).json();
    const strict = rewards.find((r: { id: string }) => r.id === 'strict');
    expect(strict).toMatchObject({ kind: 'preset', version: 2, range: [0, 1], params_schema: { additionalProperties: false } });
    expect(strict.examples).toBeUndefined(); // the listing stays small whatever is registered
    expect(strict.definition).toBeUndefined();
    const one = (await get('/v1/rewards/strict')).json();
    expect(one.examples[0]).toMatchObject({ sample: { completion: '<think>2+2</think> 4' }, expected: 1 });
  });

  it('composes rules with a gate and a formula, pinning registered sub-rules', async () => {
    const response = await post('/v1/rewards', {
      id: 'gated',
      kind: 'composite',
      rules: { format: { id: 'think-format' }, tags: { id: 'tag-count' }, strict: { id: 'strict' } },
      gates: { tags: { rule: 'format' } },
      formula: '0.5 * tags + 0.25 * format + 0.25 * strict',
      examples: [
        { name: 'all pass', completion: good, expected: 1 },
        { name: 'format fails: tags gated to 0', completion: 'just 4', expected: 0 },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect((await get('/v1/rewards/gated')).json().definition.rules.strict.id).toBe('strict@2');
    // think-format passes, tag-count gives 0.5 (no answer tags), strict@2 passes: 0.25 + 0.25 + 0.25
    expect(await cell('gated', '<think>\nadd\n</think>\n4')).toMatchObject({
      score: 0.75,
      version: 'gated@1',
      details: { scores: { format: 1, tags: 0.5, strict: 1 } },
    });
  });

  const openAi = [
    // [kind, built-in it maps onto, grader JSON as OpenAI writes it, example completion, reference, expected]
    [
      'string-check',
      'string-check',
      { type: 'string_check', name: 'eq', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' },
      'Paris',
      'Paris',
      1,
    ],
    [
      'string-check',
      'string-check',
      { type: 'string_check', name: 'ilike', input: '{{ sample.output_text }}', reference: 'paris', operation: 'ilike' },
      'It is PARIS',
      undefined,
      1,
    ],
    [
      'regex',
      'regex-match',
      { type: 'regex', name: 'final', input: '{{sample.output_text}}', pattern: '^Final answer: \\d+$', flags: 'm' },
      'so\nFinal answer: 12',
      undefined,
      1,
    ],
    [
      'text-similarity',
      'text-similarity',
      { type: 'text_similarity', name: 'f', input: '{{sample.output_text}}', reference: '{{item.summary}}', evaluation_metric: 'fuzzy_match' },
      'abcd',
      'abce',
      0.75,
    ],
  ] as const;
  it.each(openAi)('accepts OpenAI grader JSON as-is: %s (%s)', async (kind, builtin, grader, completion, reference, expected) => {
    expect(builtinRewards.map((r) => r.id)).toContain(builtin);
    const id = `openai-${kind}-${grader.name}`;
    const response = await post('/v1/rewards', { id, kind, grader, examples: [{ completion, reference, expected }] });
    expect(response.statusCode, response.body).toBe(201);
  });

  it('runs a javascript score(sample) in the sandbox', async () => {
    const body = ruleJavascriptSchema.examples[0]; // the example /docs shows: `mentions-answer`
    const response = await post('/v1/rewards/validate', body);
    expect(response.statusCode, response.body).toBe(200);
    expect((await post('/v1/rewards', body)).statusCode).toBe(201);
    const { body: scored } = await score(app, { rewards: [{ id: 'mentions-answer' }], groups: [{ reference: 7, completions: ['it is 7', 'it is 8'] }] });
    expect(scored.groups[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
    // A function that throws is "could not score", never 0.
    const throwing = await post('/v1/rewards/js-function/try', {
      samples: [{ completion: 'x' }],
      params: { source: 'function score() { throw new Error("no") }' },
    });
    expect(throwing.json().results[0]).toMatchObject({ score: null, reason: 'runtime_error' });
    // A function that never returns is stopped by the sandbox and reported as a timeout, not 0.
    const spinning = await post('/v1/rewards/js-function/try', { samples: [{ completion: 'x' }], params: { source: 'function score() { for (;;) {} }' } });
    expect(spinning.json().results[0]).toMatchObject({ score: null, reason: 'timeout' });
  });
});

describe('deprecation', () => {
  it('hides the rule, stops `id`, keeps `id@n` scoring; a new version revives it', async () => {
    await post('/v1/rewards', preset('old'));
    const response = await app.inject({ method: 'DELETE', url: '/v1/rewards/old' });
    expect(response.json()).toEqual({ id: 'old', deprecated: true, versions: 1, purged: false });
    const listed = (await get('/v1/rewards')).json().rewards.map((r: { id: string }) => r.id);
    expect(listed).not.toContain('old');
    const all = (await get('/v1/rewards?include_deprecated=true')).json().rewards.map((r: { id: string }) => r.id);
    expect(all).toContain('old');
    const unpinned = await score(app, { rewards: [{ id: 'old' }], groups: [{ completions: [good] }] });
    expect(unpinned).toMatchObject({ status: 400, body: { code: 'VERDICT_REWARD_DEPRECATED', details: [{ pointer: '/rewards/0/id' }] } });
    expect(await cell('old@1', good)).toMatchObject({ score: 1, version: 'old@1' });
    expect((await post('/v1/rewards', preset('old', { description: 'back' }))).json()).toMatchObject({ version: 2 });
    expect(await cell('old', good)).toMatchObject({ score: 1, version: 'old@2' });
  });
});

describe('the examples gate, validate and try', () => {
  it('refuses a rule whose examples fail, listing each failing case, and stores nothing', async () => {
    const response = await post(
      '/v1/rewards',
      preset('wrong', {
        examples: [
          { completion: good, expected: 1 },
          { name: 'claims 1', completion: 'x', expected: 1 },
          { completion: 'y', expected: null },
        ],
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'VERDICT_EXAMPLES_FAILED', message: '2 of 3 examples failed; the rule was not stored' });
    expect(response.json().details).toMatchObject([
      { pointer: '/examples/1', message: 'claims 1: expected 1, got 0 (missing_think)', expected: 1, score: 0, reason: 'missing_think' },
      { pointer: '/examples/2', expected: null, score: 0 },
    ]);
    expect((await get('/v1/rewards/wrong')).statusCode).toBe(404);
  });

  it('validates without storing', async () => {
    const response = await post('/v1/rewards/validate', preset('dry-run'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ valid: true, id: 'dry-run', kind: 'preset', examples: [{ passed: true }, { passed: true }] });
    expect((await get('/v1/rewards/dry-run')).statusCode).toBe(404);
  });

  it('tries samples with a registered rule (latest or pinned) or a built-in', async () => {
    const latest = await post('/v1/rewards/strict/try', { samples: [{ completion: '<think>a</think> 4' }, { completion: 'x' }] });
    expect(latest.json()).toMatchObject({ rule: 'strict@2', results: [{ score: 1 }, { score: 0, reason: 'missing_think' }] });
    const pinned = await post('/v1/rewards/strict@1/try', { samples: [{ completion: '<think>a</think> 4' }] });
    expect(pinned.json()).toMatchObject({ rule: 'strict@1', results: [{ score: 0 }] });
    const builtin = await post('/v1/rewards/think-format/try', { samples: [{ completion: 'x' }], params: { answer_tag: true } });
    expect(builtin.json()).toMatchObject({ rule: 'think-format@3', results: [{ score: 0 }] });
  });
});

describe('refusals: status, code and pointer', () => {
  const big = 'x'.repeat(3000);
  const cases: Array<[string, string, object, number, string, string?]> = [
    // [why, url, body, status, code, pointer of the first detail]
    ['unknown kind', '/v1/rewards', { ...preset('k'), kind: 'python' }, 400, 'VERDICT_INVALID_REQUEST', '/kind'],
    ['no examples: every rule must prove itself', '/v1/rewards', { ...preset('k'), examples: [] }, 400, 'VERDICT_INVALID_REQUEST', '/examples'],
    ['id with @ (versions are the server’s to number)', '/v1/rewards', preset('k@2'), 400, 'VERDICT_INVALID_REQUEST', '/id'],
    ['field of another kind', '/v1/rewards', { ...preset('k'), formula: 'a' }, 400, 'VERDICT_INVALID_REQUEST', ''],
    ['built-in ids cannot be overwritten', '/v1/rewards', preset('think-format'), 409, 'VERDICT_BUILTIN_REWARD'],
    ['preset of a rule that is not built in', '/v1/rewards', { ...preset('k'), rule: 'nope' }, 400, 'VERDICT_INVALID_RULE', '/rule'],
    [
      'preset params the built-in rejects',
      '/v1/rewards',
      { ...preset('k'), params: { answer_tag: 'yes' } },
      400,
      'VERDICT_INVALID_PARAMS',
      '/params/answer_tag',
    ],
    [
      'formula calling import',
      '/v1/rewards',
      { id: 'k', kind: 'composite', rules: { a: { id: 'think-format' } }, formula: 'import({}, {})', examples: [{ completion: good, expected: 1 }] },
      400,
      'VERDICT_INVALID_RULE',
      '/formula',
    ],
    [
      'formula defining a function',
      '/v1/rewards',
      { id: 'k', kind: 'composite', rules: { a: { id: 'think-format' } }, formula: 'f(x) = a', examples: [{ completion: good, expected: 1 }] },
      400,
      'VERDICT_INVALID_RULE',
      '/formula',
    ],
    [
      'formula naming no sub-rule',
      '/v1/rewards',
      { id: 'k', kind: 'composite', rules: { a: { id: 'think-format' } }, formula: 'a + b', examples: [{ completion: good, expected: 1 }] },
      400,
      'VERDICT_INVALID_RULE',
      '/formula',
    ],
    [
      'sub-rule that does not exist',
      '/v1/rewards',
      { id: 'k', kind: 'composite', rules: { a: { id: 'nope' } }, examples: [{ completion: good, expected: 1 }] },
      400,
      'VERDICT_UNKNOWN_REWARD',
      '/rules/a/id',
    ],
    [
      'gate on a name not in rules',
      '/v1/rewards',
      { id: 'k', kind: 'composite', rules: { a: { id: 'think-format' } }, gates: { a: { rule: 'b' } }, examples: [{ completion: good, expected: 1 }] },
      400,
      'VERDICT_INVALID_RULE',
      '/gates/a/rule',
    ],
    [
      'OpenAI template other than output_text',
      '/v1/rewards',
      {
        id: 'k',
        kind: 'string-check',
        grader: { type: 'string_check', input: '{{sample.output_json.x}}', reference: 'a', operation: 'eq' },
        examples: [{ completion: 'a', expected: 1 }],
      },
      400,
      'VERDICT_INVALID_RULE',
      '/grader/input',
    ],
    [
      'definition over MAX_RULE_SOURCE_BYTES (2048 here)',
      '/v1/rewards',
      { id: 'k', kind: 'javascript', source: big, examples: [{ completion: 'a', expected: 1 }] },
      413,
      'VERDICT_RULE_TOO_LARGE',
    ],
    [
      'more examples than MAX_RULE_EXAMPLES (5 here)',
      '/v1/rewards',
      { ...preset('k'), examples: Array(6).fill({ completion: good, expected: 1 }) },
      413,
      'VERDICT_TOO_MANY_EXAMPLES',
    ],
    ['validate refuses what register refuses', '/v1/rewards/validate', preset('think-format'), 409, 'VERDICT_BUILTIN_REWARD'],
    ['try with an unknown rule', '/v1/rewards/nope/try', { samples: [{ completion: 'x' }] }, 400, 'VERDICT_UNKNOWN_REWARD'],
  ];
  it.each(cases)('%s', async (_why, url, body, status, code, pointer) => {
    const response = await post(url, body);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().code).toBe(code);
    if (pointer !== undefined) expect(response.json().details[0].pointer).toBe(pointer);
  });

  // /try's rule is its path parameter and its params the body's `params`: errors point there (regression: at /rewards/0/id, which that body lacks).
  it.each([
    ['an unknown id', '/v1/rewards/nope/try', {}, 'VERDICT_UNKNOWN_REWARD', { pointer: '/id', in: 'params' }, /^Unknown reward "nope" at path parameter id;/],
    ['an unknown version', '/v1/rewards/think-format@99/try', {}, 'VERDICT_UNKNOWN_REWARD', { pointer: '/id', in: 'params' }, /at path parameter id;/],
    [
      'params the rule refuses',
      '/v1/rewards/think-format/try',
      { params: { nope: 1 } },
      'VERDICT_INVALID_PARAMS',
      { pointer: '/params' },
      /: \/params must NOT/,
    ],
  ])('try: points %s at where the caller sent it', async (_why, url, extra, code, where, message) => {
    const response = await post(url, { samples: [{ completion: 'x' }], ...extra });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe(code);
    expect(body.message).toMatch(message);
    expect(body.details[0]).toEqual(expect.objectContaining(where));
    if (!('in' in where)) expect(body.details[0]).not.toHaveProperty('in');
  });

  it('refuses params for a registered rule at scoring time', async () => {
    const { status, body } = await score(app, { rewards: [{ id: 'strict', params: { answer_tag: true } }], groups: [{ completions: [good] }] });
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'VERDICT_INVALID_PARAMS', details: [{ pointer: '/rewards/0/params' }] });
  });

  const deletes: Array<[string, string, number, string]> = [
    // [why, id, status, code]
    ['built-ins cannot be deprecated', 'think-format', 409, 'VERDICT_BUILTIN_REWARD'],
    ['unknown id', 'never-registered', 404, 'VERDICT_REWARD_NOT_FOUND'],
  ];
  it.each(deletes)('DELETE: %s', async (_why, id, status, code) => {
    const response = await app.inject({ method: 'DELETE', url: `/v1/rewards/${id}` });
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(code);
  });

  it('refuses a registration beyond MAX_RULES with 409', async () => {
    const smallDir = tempDir();
    const small = await buildTestApp({ dataDir: smallDir, poolSize: 1, sandboxPoolSize: 1, maxRules: 1 });
    try {
      expect((await small.inject({ method: 'POST', url: '/v1/rewards', payload: preset('one') })).statusCode).toBe(201);
      const second = await small.inject({ method: 'POST', url: '/v1/rewards', payload: preset('two') });
      expect(second.statusCode).toBe(409);
      expect(second.json().code).toBe('VERDICT_RULE_LIMIT');
    } finally {
      await small.close();
      fs.rmSync(smallDir, { recursive: true, force: true });
    }
  });
});
