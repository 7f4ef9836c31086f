/**
 * Text-level repairs applied before extraction: control characters left by
 * unescaped `\f`/`\t`/`\b` in JSON or Python strings, doubled backslashes
 * (`\\boxed`), Unicode math symbols and spaces.
 */

/** Commands whose doubled backslash (`\\frac`) is a quoting accident, not a row break. */
const KNOWN = 'boxed|fbox|frac|dfrac|tfrac|cfrac|left|right|sqrt|text|textbf|mathrm|mbox|le|leq|ge|geq|ne|neq|lt|gt|infty|pi|cdot|times|div|pm|mp|in|cup|cap|quad|qquad|begin|end|approx|circ|sin|cos|tan|log|ln|exp|sec|csc|cot|theta|alpha|beta|mathbf';
const DOUBLED = new RegExp(`(?<!\\\\)\\\\\\\\(?=(?:${KNOWN})(?![a-zA-Z]))`, 'g');

/** Control characters that stand for a backslash escape eaten by a string literal. */
const CONTROL: Record<string, string> = { '\f': '\\f', '\b': '\\b', '\v': '\\v', '\x07': '\\a' };

const UNICODE: [RegExp, string][] = [
  [/[\u2212\u2012\u2013\uFE63\uFF0D]/g, '-'],
  [/\u00D7/g, '\\times '],
  [/\u00F7/g, '\\div '],
  [/[\u00B7\u22C5]/g, '\\cdot '],
  [/\u2264/g, '\\le '],
  [/\u2265/g, '\\ge '],
  [/\u2260/g, '\\ne '],
  [/\u03C0/g, '\\pi '],
  [/\u221E/g, '\\infty '],
  [/\u221A/g, '\\sqrt'],
  [/\u00B2/g, '^2'],
  [/\u00B3/g, '^3'],
  [/\u00B0/g, '^\\circ'],
  [/\u222A/g, '\\cup '],
  [/\u2208/g, '\\in '],
  [/\u00B1/g, '\\pm '],
  [/[\u00A0\u2009\u202F\u3000]/g, ' '],
  [/[\u20AC\u00A3\u00A5]/g, ''],
];

export function normalizeText(raw: string): string {
  let text = raw.replace(/[\f\b\v\x07]/g, (c) => CONTROL[c]!);
  // A TAB or CR glued to letters was `\t...` (\text, \times) or `\r...` (\right).
  text = text.replace(/\t(?=(?:ext|imes|frac|an|heta|au|o\b|op))/g, '\\t').replace(/\r(?=(?:ight|ho|angle|floor|ceil|vert))/g, '\\r');
  text = text.replace(/\r\n?/g, '\n').replace(DOUBLED, '\\');
  // A literal backslash-n between sentences is an escaped newline.
  text = text.replace(/\\n(?![a-zA-Z])/g, '\n');
  for (const [re, to] of UNICODE) text = text.replace(re, to);
  return text;
}
