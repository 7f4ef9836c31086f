/**
 * Which Unicode script a letter is written in, from the Script property
 * (`\p{Script=...}`, compiled with the `v` flag at run time because the
 * project targets ES2023). Cross-script drift needs no language model.
 */

/** Scripts a chain of thought is likely to drift into; any other letter is 'Other'. */
const SCRIPTS = [
  'Latin',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Cyrillic',
  'Greek',
  'Arabic',
  'Hebrew',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Khmer',
  'Myanmar',
  'Tibetan',
  'Georgian',
  'Armenian',
  'Ethiopic',
] as const;

const scriptTests = SCRIPTS.map((name) => [name, new RegExp(String.raw`^\p{Script=${name}}$`, 'v')] as const);
const LETTER = new RegExp(String.raw`^\p{L}$`, 'v');

/** Code point -> script of the letter, '' for a non-letter (digits, marks, punctuation). Filled lazily. */
const cache = new Map<number, string>();

export function scriptOfChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ? 'Latin' : '';
  let script = cache.get(code);
  if (script === undefined) {
    script = LETTER.test(char) ? (scriptTests.find(([, test]) => test.test(char))?.[0] ?? 'Other') : '';
    cache.set(code, script);
  }
  return script;
}
