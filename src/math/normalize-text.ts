/**
 * Text-level repairs applied before extraction: control characters left by
 * unescaped `\f`/`\t`/`\b` in JSON or Python strings, doubled backslashes
 * (`\\boxed`), Unicode math symbols and spaces.
 */

/** Commands whose doubled backslash (`\\frac`) is a quoting accident, not a row break. */
const KNOWN =
  'boxed|fbox|frac|dfrac|tfrac|cfrac|left|right|sqrt|text|textbf|mathrm|mbox|le|leq|ge|geq|ne|neq|lt|gt|infty|pi|cdot|times|div|pm|mp|in|cup|cap|quad|qquad|begin|end|approx|circ|sin|cos|tan|log|ln|exp|sec|csc|cot|theta|alpha|beta|mathbf';
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
  [/\u00B0/g, '^\\circ'],
  [/\u222A/g, '\\cup '],
  [/\u2208/g, '\\in '],
  [/\u00B1/g, '\\pm '],
  [/[\u00A0\u2009\u202F\u3000]/g, ' '],
  [/[\u20AC\u00A3\u00A5]/g, ''],
];

const VULGAR: Record<string, string> = {
  '½': '1/2',
  '⅓': '1/3',
  '⅔': '2/3',
  '¼': '1/4',
  '¾': '3/4',
  '⅕': '1/5',
  '⅖': '2/5',
  '⅗': '3/5',
  '⅘': '4/5',
  '⅙': '1/6',
  '⅚': '5/6',
  '⅐': '1/7',
  '⅛': '1/8',
  '⅜': '3/8',
  '⅝': '5/8',
  '⅞': '7/8',
  '⅑': '1/9',
  '⅒': '1/10',
};
const SUPER = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUB = '₀₁₂₃₄₅₆₇₈₉';

/** `½` (also in `1½`), `x⁻¹`, `a₁`: written out before NFKC would turn them into bare digits. */
function unicodeNumbers(text: string): string {
  return text
    .replace(/[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒]/g, (c) => {
      const [a, b] = VULGAR[c]!.split('/');
      return `\\frac{${a}}{${b}}`;
    })
    .replace(/[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, (m) => `^{${[...m].map((c) => (c === '⁻' ? '-' : c === '⁺' ? '' : String(SUPER.indexOf(c)))).join('')}}`)
    .replace(/[₀₁₂₃₄₅₆₇₈₉]+/g, (m) => `_{${[...m].map((c) => SUB.indexOf(c)).join('')}}`)
    .replace(/\u2044/g, '/');
}

export function normalizeText(raw: string): string {
  // Each repair runs only when its character is there: most completions need none of them.
  // eslint-disable-next-line no-control-regex -- BEL (from `\a`) is one of the escapes a string literal ate, see CONTROL
  if (!/[\f\b\v\x07\t\r\u0080-\uffff]/.test(raw) && !raw.includes('\\\\') && !raw.includes('\\n')) return raw;
  // eslint-disable-next-line no-control-regex -- the keys of CONTROL, BEL among them
  let text = /[\f\b\v\x07]/.test(raw) ? raw.replace(/[\f\b\v\x07]/g, (c) => CONTROL[c]!) : raw;
  // A TAB or CR glued to letters was `\t...` (\text, \times) or `\r...` (\right).
  if (text.includes('\t')) text = text.replace(/\t(?=(?:ext|imes|frac|an|heta|au|o\b|op))/g, '\\t');
  if (text.includes('\r')) text = text.replace(/\r(?=(?:ight|ho|angle|floor|ceil|vert))/g, '\\r').replace(/\r\n?/g, '\n');
  if (text.includes('\\\\')) text = text.replace(DOUBLED, '\\');
  // A literal backslash-n between sentences is an escaped newline.
  text = text.replace(/\\n(?![a-zA-Z])/g, '\n');
  if (/[^\p{ASCII}]/u.test(text)) {
    text = unicodeNumbers(text);
    for (const [re, to] of UNICODE) text = text.replace(re, to);
    // Full-width digits and signs, mathematical letters (`１２`, `𝑥`) become plain ones.
    text = text.normalize('NFKC');
  }
  return text;
}

/** `\text{…}` and its kin reduced to their words. */
export const stripTextCommands = (s: string) => s.replace(/\\(?:text|textbf|textit|textrm|textnormal|mathrm|mbox|operatorname)\s*\{([^{}]*)\}/g, '$1');

/** Plain words compared as text: case, articles, `\text{}` and surrounding punctuation do not count; a single letter keeps its case (`a` is not `A`). */
export function textNorm(s: string): string {
  const t = stripTextCommands(s)
    .replace(/[\s~]+/g, ' ')
    .trim()
    .replace(/^[\s"'`([]+|[\s"'`.!?;:,)\]]+$/g, '')
    .replace(/^(?:the|a|an)\s+/i, '');
  return t.length > 1 ? t.toLowerCase() : t;
}
