/**
 * The one normalisation every text rule reads through, so no rule can be
 * gamed with characters a reader does not see: NFKC (fullwidth letters,
 * ligatures, presentation forms and compatibility jamo become the plain
 * characters), then every invisible character handled as it renders:
 * zero-width ones removed (Unicode format characters `\p{Cf}`: zero-width
 * spaces and joiners, bidi marks, soft hyphen; default-ignorable code
 * points: the conjoining Hangul fillers U+115F U+1160, the combining
 * grapheme joiner U+034F, variation selectors, tag characters), and the
 * blanks that take a space's width without being one (the Braille blank
 * U+2800, the Hangul fillers U+3164 and U+FFA0) turned into spaces, so
 * "I⠀cannot help" reads as "I cannot help". Whitespace stays: rules split
 * on it. One exception to NFKC: the Thai and Lao vowel AM (U+0E33, U+0EB3)
 * stay whole, since their decomposition breaks ICU's dictionary
 * segmentation of those scripts.
 */

const BLANKS = /[\u2800\u3164\uffa0]/g;
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const SPLIT_AM = /\u0e4d\u0e32|\u0ecd\u0eb2/g;
const AM: Record<string, string> = { '\u0e4d\u0e32': '\u0e33', '\u0ecd\u0eb2': '\u0eb3' };
const NON_ASCII = /[^\x00-\x7f]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

export function normalizeText(text: string): string {
  // Pure ASCII is already NFKC and holds no invisible character except the C0 controls, which are not format characters.
  if (!NON_ASCII.test(text)) return text;
  // Blanks first: NFKC turns U+3164 and U+FFA0 into the zero-width U+1160.
  return text
    .replace(BLANKS, ' ')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(SPLIT_AM, (am) => AM[am]);
}

/** Characters a reader sees, in code points, once normalised: whitespace and invisible characters do not count. */
export function visibleChars(text: string): number {
  let count = 0;
  for (const char of normalizeText(text)) if (char.trim() !== '') count++;
  return count;
}

/** The text holds a word: a letter or a digit once normalised (`.`, `…`, emoji or fillers alone do not). */
export function hasWord(text: string): boolean {
  return WORD_CHAR.test(normalizeText(text));
}

/** UTF-8 length in bytes, without allocating the encoding. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3; // BMP character, or a lone surrogate (encoded as U+FFFD)
  }
  return bytes;
}
