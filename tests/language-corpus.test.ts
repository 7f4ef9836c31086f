/**
 * language-consistency against its labelled corpus (tests/fixtures/language-corpus.jsonl):
 * chains of thought built from segments of known language, each labelled with its
 * true share of target-language words. Mean absolute error at most 0.02, no case
 * off by more than 0.1.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reward } from '../rewards/language-consistency.ts';
import { buildCorpus, CORPUS_PATH, TARGETS, type CorpusCase } from './fixtures/build-language-corpus.ts';

const ctx = { deadline: Date.now() + 60_000 };
const params = { scope: 'think', prefilled_think: false, min_words: 1, tau: 1 };
const corpus: CorpusCase[] = readFileSync(CORPUS_PATH, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

describe('the labelled language corpus', () => {
  it('is what its builder makes (labels count words as the rule documents)', () => {
    // Segment counts come from the runtime's ICU: after a Node upgrade, rebuild with `npx tsx tests/fixtures/build-language-corpus.ts`.
    expect(readFileSync(CORPUS_PATH, 'utf8') === buildCorpus(), 'tests/fixtures/language-corpus.jsonl is stale: rebuild it').toBe(true);
  });

  it('holds at least 150 mixed chains of thought over the 14 target languages, with code and math', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((c) => c.target))).toEqual(new Set(TARGETS));
    const kinds = new Set(corpus.flatMap((c) => c.segments.map(([lang]) => lang)));
    for (const kind of ['code', 'math', 'en-Cyrl', 'ja-kanji', 'ko-hanja']) expect(kinds).toContain(kind);
    expect(corpus.filter((c) => c.expected > 0 && c.expected < 1).length).toBeGreaterThan(100);
  });

  it('scores within 0.02 on average and never more than 0.1 off', async () => {
    const errors: Array<[string, number]> = [];
    for (const c of corpus) {
      const result = await reward.score({ completion: c.completion }, { ...params, target: c.target } as never, ctx);
      errors.push([c.id, Math.abs((result.score ?? Number.NaN) - c.expected)]);
    }
    const mae = errors.reduce((sum, [, e]) => sum + e, 0) / errors.length;
    const worst = errors.filter(([, e]) => !(e <= 0.1 + 1e-9));
    expect(worst).toEqual([]);
    expect(mae).toBeLessThanOrEqual(0.02);
  });
});
