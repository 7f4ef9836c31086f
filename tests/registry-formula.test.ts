/** The composite formula language: what it computes, and everything it refuses to run. */
import { describe, expect, it } from 'vitest';
import { compileFormula } from '../src/registry/formula.ts';

const names = ['math', 'format'];
const scores = { math: 1, format: 0.5 };

const computes: Array<[string, number]> = [
  // [formula, value with math = 1, format = 0.5]
  ['0.8 * math + 0.2 * format', 0.9], // OpenAI calculate_output style weighted sum
  ['format == 1 ? math : 0', 0], // a gate written as a ternary
  ['min(math, format)', 0.5],
  ['max(0, math - 2 * format, 0.25)', 0.25], // variadic max
  ['abs(format - math)', 0.5],
  ['format >= 0.5 and math > 0', 1], // comparisons and logic give 1 / 0
  ['not format', 0],
  ['(math + format) / 2', 0.75],
  ['math ^ 2 + format mod 0.3', 1.2],
];
it.each(computes)('%s = %s', (text, value) => {
  expect(compileFormula(text, names).evaluate(scores)).toBeCloseTo(value, 12);
});

const refused: Array<[string, RegExp]> = [
  // [formula, why it is refused]
  ['import({}, {override: true})', /function "import" is not allowed/], // mathjs's escape hatch
  ['evaluate("1+1")', /function "evaluate" is not allowed/],
  ['f(x) = x', /functionassignment expressions are not allowed/],
  ['math = 2', /assignment expressions are not allowed/],
  ['math.constructor', /accessor expressions are not allowed/], // property access
  ['[math, format]', /array expressions are not allowed/],
  ['math; format', /block expressions are not allowed/],
  ['cos(math)', /function "cos" is not allowed/], // only min, max, abs
  ['pi * math', /unknown name "pi"/], // no constants beyond numbers
  ['accuracy + format', /unknown name "accuracy"/],
  ['"text"', /constant "text" is not a number/],
  ['0 < math < 1', /relational expressions are not allowed/], // chained comparison: write it with `and`
  ['math +', /cannot parse/],
];
it.each(refused)('refuses %s', (text, why) => {
  expect(() => compileFormula(text, names)).toThrow(why);
});

describe('names', () => {
  it('reports only the names a formula reads', () => {
    expect(compileFormula('2 * math', names).names).toEqual(['math']);
  });
});
