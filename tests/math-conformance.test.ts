/**
 * Math-Verify's own test pairs (../shared/conformance/math-verify-cases.jsonl,
 * 261 cases, the 2 `disputed` left out). Each case runs with the params that
 * mirror the Math-Verify configuration its upstream test used; the agreement
 * is printed and must stay at the committed level.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../src/math/index.ts';

interface Case {
  gold: string;
  pred: string;
  expected: boolean;
  disputed?: boolean;
  nondefault_options?: string[];
  mv_config: { match_types?: string[] };
}

const file = path.resolve(process.cwd(), '../shared/conformance/math-verify-cases.jsonl');
const cases = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line, line_no) => ({ ...(JSON.parse(line) as Case), line_no }))
  .filter((c) => !c.disputed);

/**
 * Math-Verify's extraction config mapped onto our params (documented in the README):
 * plain-number extraction only = last_number_fallback + decimal_comma; LaTeX only = our defaults;
 * LaTeX + plain expressions (Math-Verify's default) = last_number_fallback; the other options map one to one.
 */
function paramsFor(c: Case, mvExtraction = true): Record<string, unknown> {
  const options = c.nondefault_options ?? [];
  const params: Record<string, unknown> = {};
  if (options.some((o) => o.startsWith('plain-expression'))) Object.assign(params, { last_number_fallback: true, decimal_comma: true });
  else if (mvExtraction && c.mv_config.match_types?.includes('expr')) params.last_number_fallback = true;
  const rounding = options.find((o) => o.startsWith('float_rounding='));
  if (rounding) params.round_digits = Number(rounding.split('=')[1]);
  if (options.some((o) => o.startsWith('strict=False'))) params.strict_variables = false;
  if (options.some((o) => o.startsWith('allow_set_relation_comp=True'))) params.allow_set_relation = true;
  return params;
}

const agrees = (c: Case, params: Record<string, unknown>) => (verify(c.gold, c.pred, params).score === 1) === c.expected;

describe('Math-Verify conformance', () => {
  it('agrees on all 259 undisputed cases with the mapped params', () => {
    const failures = cases.filter((c) => !agrees(c, paramsFor(c))).map((c) => c.line_no);
    console.log(`math-verify conformance (mapped params): ${cases.length - failures.length}/${cases.length}`);
    expect(cases).toHaveLength(259);
    expect(failures).toEqual([]);
  });

  it('agrees on at least 256 when Math-Verify-default cases keep our default last_number_fallback: false', () => {
    const ok = cases.filter((c) => agrees(c, paramsFor(c, false))).length;
    console.log(`math-verify conformance (our default extraction): ${ok}/${cases.length}`);
    expect(ok).toBeGreaterThanOrEqual(256);
  });
});
