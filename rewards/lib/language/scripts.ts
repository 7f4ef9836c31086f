/**
 * Which Unicode script a character is written in, from the Script property
 * (`\p{Script=...}`, compiled with the `v` flag at run time because the
 * project targets ES2023). Cross-script drift needs no language model.
 * Not cached here: tokenize.ts classifies each code point once.
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

/** The script of one character (a letter or a combining mark), 'Other' when it is none of SCRIPTS. */
export function scriptOf(char: string): string {
  for (const [name, test] of scriptTests) if (test.test(char)) return name;
  return 'Other';
}
