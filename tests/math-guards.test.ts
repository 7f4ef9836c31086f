/**
 * Guard rails: a crafted answer ends at a limit, never a hang. Over the limits
 * it is wrong (0, `answer_limit_exceeded`: a null would spare a policy its
 * negative advantage); a gold over them cannot be judged (null). The pool's
 * per-cell deadline is only the backstop. What the worst answers cost in CPU is
 * measured by `npm run bench:math` (bench/math-worst.ts), not asserted here.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../src/math/index.ts';

const nested = (n: number) => '('.repeat(n) + '1' + ')'.repeat(n);

beforeAll(() => verify('1', '1', {})); // builds the mathjs instance outside the timed cases

describe('pathological answers', () => {
  it.each([
    // A tower of powers is refused before it is computed.
    ['power tower', '10^{10^{10}}'],
    // So is a huge factorial.
    ['huge factorial', '1000000!'],
    // Deep nesting stops at the depth limit, not at the stack's.
    ['5000 nested parentheses', nested(5000)],
    // A huge flat expression stops at the size limit.
    ['3000-term sum', '1+'.repeat(3000) + '1'],
    // A sum over a billion terms is refused.
    ['billion-term \\sum', '\\sum_{k=1}^{10^9} k'],
    // More than three ± would be 2^n answers.
    ['four ±', '1 \\pm 1 \\pm 1 \\pm 1 \\pm 1'],
    // Sums within the per-sum limit, nested into 8e9 terms.
    ['nested sums', '\\sum_{i=1}^{2000} \\sum_{j=1}^{2000} \\sum_{k=1}^{2000} i j k'],
  ])('%s is a wrong answer', (_label, answer) => {
    const result = verify('5', `\\boxed{${answer}}`, {});
    expect(result).toMatchObject({ score: 0, reason: 'answer_limit_exceeded' });
  });

  it.each([
    ['power tower', '10^{10^{10}}'],
    ['huge factorial', '1000000!'],
    ['four ±', '1 \\pm 1 \\pm 1 \\pm 1 \\pm 1'],
  ])('a gold over the limits (%s) cannot be judged: null', (_label, gold) => {
    expect(verify(gold, '\\boxed{5}', {})).toMatchObject({ score: null, reason: 'limit_exceeded' });
  });

  it('an answer that spends the whole work budget is wrong; a gold that does cannot be judged', () => {
    // 500 exact terms with denominators that grow to thousands of bits: Euclid on each sum runs out the budget.
    const harmonic = '\\sum_{k=1}^{500} \\frac{1}{k}';
    expect(verify('1', `\\boxed{${harmonic}}`, {})).toMatchObject({ score: 0, reason: 'answer_limit_exceeded' });
    expect(verify(harmonic, '\\boxed{1}', {})).toMatchObject({ score: null, reason: 'limit_exceeded' });
  });

  it('nested sums within the work limit still compute', () => {
    expect(verify('\\sum_{i=1}^{100} \\sum_{j=1}^{100} i j', '\\boxed{25502500}', {})).toMatchObject({ score: 1 });
  });

  it('keeps details small for a huge answer', () => {
    const result = verify('5', `\\boxed{${'1+'.repeat(20_000)}1}`, {});
    expect(result.reason).toBe('answer_limit_exceeded');
    expect(JSON.stringify(result.details).length).toBeLessThan(1000);
  });

  it('a past deadline ends a float identity test as timeout', () => {
    const result = verify('\\tan^2(y)+1', '\\boxed{\\sec^2 y}', { deadline: Date.now() - 1 });
    expect(result).toMatchObject({ score: null, reason: 'timeout' });
  });

  it.each([
    // Thousands of unclosed math delimiters do not make span finding quadratic.
    ['100k unclosed \\(', '\\('.repeat(100_000)],
    ['200k dollar signs', '$'.repeat(200_000) + 'x'],
    // Nor do thousands of unclosed boxes.
    ['50k unclosed boxes', '\\boxed{'.repeat(50_000)],
    // Nor a marker sentence made of thousands of math spans.
    ['20k spans after a marker', 'The answer is ' + '$x$ '.repeat(20_000)],
    // Nor a megabyte of digits and commas.
    ['1 MB of digits and commas', '1,'.repeat(500_000)],
  ])('%s', (_label, completion) => {
    const result = verify('5', completion, { last_number_fallback: true });
    expect(result.score).toBe(0);
  });
});

describe('random LaTeX soup', () => {
  const atoms = [
    '\\frac',
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    '\\{',
    '\\}',
    '1',
    '23',
    '0',
    'x',
    'e',
    'i',
    '\\pi',
    '^',
    '_',
    '+',
    '-',
    '/',
    ',',
    ';',
    '=',
    '<',
    '\\le',
    '\\in',
    '\\cup',
    '\\sqrt',
    '!',
    '\\%',
    '|',
    '\\pm',
    '\\boxed',
    '\\text{',
    'and',
    ' ',
    '.',
    ':',
    '\\begin{pmatrix}',
    '\\end{pmatrix}',
    '&',
    '\\\\',
    '\\sum_{k=1}^{n}',
    'f(',
    '\\infty',
    '$',
    '\\left(',
    '\\right)',
    '\\sin',
    '1,000',
    '\\approx',
    '\\mid',
  ];
  const soup = fc.array(fc.constantFrom(...atoms), { maxLength: 25 }).map((a) => a.join(''));

  it('never throws and always scores 0, 1 or null', () => {
    fc.assert(
      fc.property(soup, soup, (gold, answer) => {
        for (const completion of [`\\boxed{${answer}}`, answer]) {
          expect([0, 1, null]).toContain(verify(gold, completion, { last_number_fallback: true }).score);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe('hardened mathjs', () => {
  it('has its string entry points disabled', async () => {
    const { getMath } = await import('../src/math/mathjs.ts');
    const { math } = getMath();
    for (const fn of ['evaluate', 'parse', 'compile', 'import', 'createUnit'] as const) {
      expect(() => (math[fn] as (...args: unknown[]) => unknown)('1+1')).toThrow(/disabled/);
    }
  });
});
