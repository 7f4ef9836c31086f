/** What the parser makes of each LaTeX/plain construct, shown as the normal form `details` report. */
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../src/math/parse-answer.ts';
import { formatValue } from '../src/math/format-value.ts';

describe('parseAnswer', () => {
  it.each<[string, string, { decimalComma: boolean }?]>([
    // \dfrac is \frac
    ['\\dfrac{3}{4}', '3 / 4'],
    // unbraced one-digit arguments
    ['\\tfrac12', '1 / 2'],
    // n-th root
    ['\\sqrt[3]{27}', 'nthRoot(27, 3)'],
    // unbraced root argument
    ['\\sqrt3', 'sqrt(3)'],
    // powers, subscripted names, implicit product
    ['x^{2}y_1', 'x^2 * y_1'],
    // operator commands
    ['2 \\cdot 3 \\times 4 \\div 6', '2 * 3 * 4 / 6'],
    // pi and implicit product
    ['2\\pi r', '2 * pi * r'],
    // e, i and pi
    ['e^{i\\pi}', 'e^(i * pi)'],
    // infinity
    ['-\\infty', '-Infinity'],
    // \left/\right and one-item parentheses
    ['\\left( \\frac{1}{2} \\right)', '1 / 2'],
    // \pm is two values
    ['3 \\pm 2\\sqrt{2}', 'list(3 + 2 * sqrt(2), 3 + -(2 * sqrt(2)))'],
    // implicit product of letters
    ['2xy', '2 * x * y'],
    // mixed number
    ['2\\frac{1}{2}', '2 + 1 / 2'],
    // comma thousands
    ['1,000,000', '1000000'],
    // thin-space thousands
    ['1\\,000', '1000'],
    // {,} before fewer than 3 digits is a decimal comma
    ['1{,}5', '1.5'],
    // decimal comma when asked for
    ['2,5', '2.5', { decimalComma: true }],
    // e-notation, not e - 5
    ['1.2e-5', '0.000012'],
    // LaTeX scientific notation
    ['1.2\\times10^{-5}', '1.2 * 10^(-5)'],
    // percent kept for the comparison
    ['45\\%', 'percent(45)'],
    // degrees marked: a unit after a number, radians inside a trigonometric function
    ['30^\\circ', 'degree(30)'],
    ['\\sin 30^\\circ', 'sin(30 * pi / 180)'],
    // unit in \text dropped
    ['5\\text{ cm}', '5'],
    // currency dropped
    ['\\$12.50', '12.5'],
    // union of intervals
    ['(-\\infty, 2] \\cup (3, 5)', '(-Infinity, 2] \u222a (3, 5)'],
    // set
    ['\\{1, 2\\}', '{1, 2}'],
    // tuple
    ['(1, 2, 3)', '(1, 2, 3)'],
    // matrix
    ['\\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}', '[[1, 0], [0, 1]]'],
    // equation
    ['y = 2x + 1', 'y = 2 * x + 1'],
    // inequality chain
    ['1 < x \\le 3', '1 < x <= 3'],
    // answer list
    ['1, 2, 3', 'list(1, 2, 3)'],
    // membership
    ['x \\in [0, 1]', 'x in [0, 1]'],
    // binomial
    ['\\binom{5}{2}', 'combinations(5, 2)'],
    // absolute value
    ['|x - 1|', 'abs(x - 1)'],
    // inverse sine
    ['\\sin^{-1} x', 'asin(x)'],
    // logarithm with a base
    ['\\log_2 8', 'log(8) / log(2)'],
    // factorial
    ['3!', '3!'],
    // ratio
    ['7:32', '7:32'],
  ])('%s', (text, normal, options) => {
    expect(formatValue(parseAnswer(text, { decimalComma: false, ...options }).value)).toBe(normal);
  });

  it.each([
    // Unbalanced brackets.
    ['(1, 2'],
    // An interval with three ends.
    ['[1, 2, 3)'],
    // A ragged matrix.
    ['\\begin{pmatrix} 1 & 2 \\\\ 3 \\end{pmatrix}'],
    // Arithmetic on a set.
    ['-[0,1)'],
  ])('rejects %s', (text) => {
    expect(() => parseAnswer(text, { decimalComma: false })).toThrow();
  });
});
