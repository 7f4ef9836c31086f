/** Where the final answer is found: boxes, markers, tags, spans, fallbacks. */
import { describe, expect, it } from 'vitest';
import { extractAnswer, type ExtractOptions } from '../src/math/extract.ts';
import { normalizeText } from '../src/math/normalize-text.ts';

const defaults: ExtractOptions = { thinkOnly: true, boxedOnly: false, lastNumberFallback: false };

describe('extractAnswer', () => {
  it.each([
    // The last box wins over earlier ones.
    ['\\boxed{1} then more work \\boxed{2}', ['2'], 'boxed'],
    // A self-correction is judged by the last box.
    ['\\boxed{12} wait, that is wrong: \\boxed{15}', ['15'], 'boxed'],
    // Boxes joined by "and" form one list answer.
    ['\\boxed{1} and \\boxed{2}', ['1', '2'], 'boxed'],
    // Boxes with unrelated words between them are separate attempts.
    ['\\boxed{1} no no no no no \\boxed{2}', ['2'], 'boxed'],
    // Nested braces inside the box are kept.
    ['so \\boxed{\\frac{1}{\\sqrt{2}}} done', ['\\frac{1}{\\sqrt{2}}'], 'boxed'],
    // \fbox counts like \boxed.
    ['\\fbox{9}', ['9'], 'boxed'],
    // A box cut off by the end of the text still holds the answer so far.
    ['\\boxed{W(n) = 1', ['W(n) = 1'], 'boxed'],
    // "The final answer is" with inline math.
    ['Work. The final answer is $\\frac{3}{4}$. I hope it is correct.', ['\\frac{3}{4}'], 'marker'],
    // A marker written after the last box is the final word.
    ['\\boxed{200} ... Final Answer: The final answer is $10,455$.', ['10,455'], 'marker'],
    // Marker sentence in prose: its last number.
    ['Final Answer: Jane started growing Sphere 3 hours ago. I hope it is correct.', ['3'], 'marker'],
    // Markdown bold around the answer.
    ['The answer is **5**.', ['5'], 'marker'],
    // GSM8K style.
    ['so 5 + 7 = 12\n#### 12', ['12'], 'marker'],
    // Inline math does not cross a line break after a marker.
    ['Answer $ \n 9 \n $', null, null],
    // Display math may.
    ['Answer \\[ \n 9 \n \\]', [' \n 9 \n '], 'marker'],
    // <answer> tags.
    ['<answer>42</answer>', ['42'], 'answer_tag'],
    // A bare math text is its own answer.
    ['x^2 + 6x + 5', ['x^2 + 6x + 5'], 'whole'],
    // The last math span, joined to the spans before it by "and".
    ['The roots are $1$ and $2$ and $3$', ['1', '2', '3'], 'math'],
    // Spans separated by prose are not joined.
    ['The pair $(x, y)$ that solves the system is $(7, 6)$', ['(7, 6)'], 'math'],
    // No last-number fallback by default.
    ['there are 12 of them', null, null],
  ] as const)('%j', (text, parts, source) => {
    const found = extractAnswer(normalizeText(text), defaults);
    expect(found?.parts ?? null).toEqual(parts);
    if (source) expect(found?.source).toBe(source);
  });

  it.each([
    // Only the text after </think> is searched by default.
    ['<think>\\boxed{7}</think> The answer is \\boxed{8}', defaults, ['8']],
    ['<think>\\boxed{7}</think> not sure', defaults, null],
    // An unclosed <think> has no answer yet.
    ['<think> long reasoning \\boxed{7}', defaults, null],
    // think_only: false searches everything.
    ['<think>\\boxed{7}</think> not sure', { ...defaults, thinkOnly: false }, ['7']],
    // boxed_only ignores markers.
    ['The answer is 5.', { ...defaults, boxedOnly: true }, null],
    // last_number_fallback takes the last plain number, not one inside a word.
    ['so the number is 10 which is 1,000.99m^2', { ...defaults, lastNumberFallback: true }, ['1,000.99']],
    ['AZYUK2A', { ...defaults, lastNumberFallback: true }, null],
  ] as const)('%j with options', (text, options, parts) => {
    expect(extractAnswer(normalizeText(text), options)?.parts ?? null).toEqual(parts);
  });
});

describe('normalizeText', () => {
  it.each([
    // A form feed is an escaped \f eaten by a string literal.
    ['\f' + 'rac{1}{2}', '\\frac{1}{2}'],
    // A doubled backslash before a known command is a quoting accident.
    ['\\\\boxed{4}', '\\boxed{4}'],
    // ... but a matrix row break before \end stays.
    ['1 \\\\\\end{pmatrix}', '1 \\\\\\end{pmatrix}'],
    // Unicode math symbols.
    ['\u22123 \u00D7 \u03C0 \u2264 x\u00B2', '-3 \\times  \\pi  \\le  x^{2}'],
  ])('%j', (raw, normal) => {
    expect(normalizeText(raw)).toBe(normal);
  });
});
