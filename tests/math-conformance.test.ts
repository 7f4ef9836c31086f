/**
 * Math-Verify's own test pairs (conformance/math-verify-cases.jsonl in the
 * shared corpora, 261 cases, the 2 `disputed` left out), scored with the
 * rule's default params. Five upstream tests set a comparison option of
 * Math-Verify (float_rounding, strict=False, allow_set_relation_comp); those
 * run with the param that option maps to, and two of them contradict another
 * case on the same strings under the defaults, so no single setting passes
 * all 259. Extraction options (plain-number or LaTeX-only extraction) are not
 * mapped: the defaults must handle every case.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verify } from '../src/math/index.ts';
import { corpus, requireInCi } from './fixtures/corpora.ts';

interface Case {
  gold: string;
  pred: string;
  expected: boolean;
  disputed?: boolean;
  nondefault_options?: string[];
  line_no: number;
}

/** The comparison options of an upstream test, as the rule's params; extraction options map to nothing. */
function comparisonParams(c: Case): Record<string, unknown> {
  const options = c.nondefault_options ?? [];
  const params: Record<string, unknown> = {};
  const rounding = options.find((o) => o.startsWith('float_rounding='));
  if (rounding) params.round_digits = Number(rounding.split('=')[1]);
  if (options.some((o) => o.startsWith('strict=False'))) params.strict_variables = false;
  if (options.some((o) => o.startsWith('allow_set_relation_comp=True'))) params.allow_set_relation = true;
  return params;
}

const found = corpus('conformance/math-verify-cases.jsonl');
requireInCi(found);

describe.skipIf(!found.present)('Math-Verify conformance', () => {
  const cases = found.present
    ? readFileSync(found.file, 'utf8')
        .trim()
        .split('\n')
        .map((line, line_no) => ({ ...(JSON.parse(line) as Case), line_no }))
        .filter((c) => !c.disputed)
    : [];
  const agrees = (c: Case, params: Record<string, unknown>) => (verify(c.gold, c.pred, params).score === 1) === c.expected;

  it('agrees on all 259 undisputed cases with the default params (and each case its own comparison option)', () => {
    const failures = cases.filter((c) => !agrees(c, comparisonParams(c))).map((c) => c.line_no);
    console.log(`math-verify conformance, default params: ${cases.length - failures.length}/${cases.length}`);
    expect(cases).toHaveLength(259);
    expect(failures).toEqual([]);
  });

  it('with the default params alone, misses only the five cases whose upstream test sets a comparison option', () => {
    const failures = cases.filter((c) => !agrees(c, {}));
    console.log(`math-verify conformance, default params for every case: ${cases.length - failures.length}/${cases.length}`);
    expect(failures.map((c) => c.nondefault_options?.find((o) => !o.startsWith('LaTeX extraction only')))).toEqual([
      'float_rounding=2', // 1/3 as 0.33: two digits are no exact value (rule: six)
      'float_rounding=2',
      'allow_set_relation_comp=True', // x \in [-2,7] answered by inequalities; the same strings are false by default (next case)
      'strict=False (variable names ignored)', // f(y) for f(x); the same strings are false by default
      'float_rounding=4',
    ]);
  });
});
