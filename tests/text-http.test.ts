/** The language and text rules through POST /v1/score: listed, scored in the pool, group and verdict plumbing. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, score } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const ids = [
  'cosine-length',
  'language-consistency',
  'length',
  'multiple-choice',
  'overlong-penalty',
  'regex-match',
  'repetition-penalty',
  'string-check',
  'text-similarity',
];

describe('text rules over HTTP', () => {
  it('lists every rule in GET /v1/rewards', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/rewards' });
    expect(response.statusCode).toBe(200);
    const listed = JSON.stringify(response.json());
    for (const id of ids) expect(listed).toContain(`"${id}"`);
  });

  it('scores language consistency per completion, with the group metadata as target', async () => {
    const { status, body } = await score(app, {
      rewards: [{ id: 'language-consistency' }],
      groups: [
        {
          metadata: { language: 'zh' },
          completions: ['<think>我们先计算总和。</think> 4', '<think>我们先计算总和。Wait, recheck this again.</think> 4', '<think></think> 4'],
        },
      ],
    });
    expect(status).toBe(200);
    const cells = body.groups[0].completions.map((c: { rewards: Record<string, unknown> }) => c.rewards['language-consistency']);
    expect(cells.map((c: { score: number }) => c.score)).toEqual([1, 0.5, 0]);
    expect(cells[1].details).toMatchObject({ target: 'zh', words: { zh: 4, latin: 4 } });
    expect(cells[2].reason).toBe('too_few_words');
  });

  it('identifies Spanish drifting into English per sentence in a worker (eld loaded there)', async () => {
    const { body } = await score(app, {
      rewards: [{ id: 'language-consistency', params: { target: 'es' } }],
      groups: [{ completions: ['<think>Primero calculamos la suma. Wait, let me check the arithmetic again.</think> 4'] }],
    });
    expect(body.groups[0].completions[0].rewards['language-consistency']).toMatchObject({ score: 4 / 11, details: { words: { es: 4, en: 7 } } });
  });

  it("resolves a short prompt's target from the request's dominant prompt language, and says so", async () => {
    const spanish = '<think>Primero calculamos la suma de los dos números.</think> 4';
    const { status, body } = await score(app, {
      rewards: [{ id: 'language-consistency' }],
      groups: [
        { prompt: 'Hola', completions: [spanish] },
        { prompt: '¿Cuántos primos hay por debajo de 100?', completions: [spanish] },
        { prompt: 'Calcula la derivada de x^2.', completions: [spanish] },
        { prompt: 'Hi', metadata: { language: 'en' }, completions: [spanish] },
      ],
    });
    expect(status).toBe(200);
    const cells = body.groups.map((g: { completions: Array<{ rewards: Record<string, unknown> }> }) => g.completions[0].rewards['language-consistency']);
    expect(cells[0]).toMatchObject({ score: 1, details: { target: 'es', target_source: 'batch' } });
    expect(cells[1]).toMatchObject({ score: 1, details: { target_source: 'prompt' } });
    expect(cells[3]).toMatchObject({ score: 0, details: { target: 'en', target_source: 'metadata' } });
  });

  it('a short prompt alone, with nothing to fall back on, is not scored rather than guessed', async () => {
    const { body } = await score(app, {
      rewards: [{ id: 'language-consistency' }],
      groups: [{ prompt: 'Hi', completions: ['<think>We add them.</think> 4'] }],
    });
    expect(body.groups[0].completions[0].rewards['language-consistency']).toMatchObject({ score: null, reason: 'no_target' });
  });

  it("feeds cosine-length another rule's verdict by its name in the request", async () => {
    const { status, body } = await score(app, {
      rewards: [
        { id: 'string-check', name: 'exact' },
        { id: 'cosine-length', params: { correct_from: 'exact', max_len: 2 } },
      ],
      groups: [{ reference: 'ok', completions: ['ok', 'no'] }],
    });
    expect(status).toBe(200);
    const [right, wrong] = body.groups[0].completions;
    expect(right.rewards['cosine-length'].score).toBeCloseTo(0.5, 12); // correct at max_len
    expect(wrong.rewards['cosine-length'].score).toBeCloseTo(-0.5, 12); // wrong at max_len
    expect(right.reward).toBeCloseTo(1.5, 12);
  });

  it('gives the Kimi length penalty the whole group and its token counts', async () => {
    const { body } = await score(app, {
      rewards: [
        { id: 'regex-match', name: 'ok', params: { pattern: 'ok' } },
        { id: 'length', params: { correct_from: 'ok', unit: 'tokens' } },
      ],
      groups: [
        {
          completions: [
            { content: 'ok', num_tokens: 10 },
            { content: 'ok', num_tokens: 30 },
            { content: 'no', num_tokens: 20 },
          ],
        },
      ],
    });
    const scores = body.groups[0].completions.map((c: { rewards: Record<string, { score: number }> }) => c.rewards.length.score);
    expect(scores).toEqual([0.5, -0.5, 0]); // shortest right, longest right, wrong and in the middle: min(0, 0)
  });

  it('uses completion_ids for the overlong penalty and the repetition penalty', async () => {
    const { body } = await score(app, {
      rewards: [
        { id: 'overlong-penalty', params: { max_completion_len: 4, soft_punish_cache: 2 } },
        { id: 'repetition-penalty', params: { ngram_size: 2 } },
      ],
      groups: [{ completions: [{ content: 'a b c d e', completion_ids: [5, 5, 5] }] }],
    });
    const cell = body.groups[0].completions[0].rewards;
    expect(cell['overlong-penalty']).toMatchObject({ score: -0.5, details: { length_source: 'completion_ids' } });
    expect(cell['repetition-penalty'].score).toBeCloseTo(-0.5, 12);
  });

  it('scores the string rules against the group reference', async () => {
    const { body } = await score(app, {
      rewards: [
        { id: 'string-check', params: { operation: 'ilike' } },
        { id: 'text-similarity', params: { evaluation_metric: 'rouge_l' } },
        { id: 'multiple-choice' },
      ],
      groups: [{ reference: 'C', completions: ['<think>hmm</think> The answer is C'] }],
    });
    const cells = body.groups[0].completions[0].rewards;
    expect(cells['string-check'].score).toBe(1);
    expect(cells['text-similarity'].score).toBeCloseTo(0.4, 12); // 1 of 4 words, 1 of 1: F = 2·0.25·1/1.25
    expect(cells['multiple-choice']).toMatchObject({ score: 1, details: { method: 'phrase' } });
  });

  it('rejects a regex pattern over 1,000 characters at validation, naming the param', async () => {
    const { status, body } = await score(app, {
      rewards: [{ id: 'regex-match', params: { pattern: 'a'.repeat(1001) } }],
      groups: [{ completions: ['a'] }],
    });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('pattern');
  });
});
