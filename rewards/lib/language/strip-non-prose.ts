/**
 * Removes what is not prose in any language before words are counted: code
 * (fenced and inline), LaTeX (environments, display and inline math, command
 * names), URLs, e-mail addresses and markup tags. Blocks become line breaks
 * (sentence boundaries); inline spans become spaces. Unicode format
 * characters are deleted first. Every pattern scans forward without nested
 * quantifiers, so the pass stays linear.
 */

/** Zero-width spaces and joiners, bidi marks, soft hyphens (`\p{Cf}`): invisible, so they must not split a word ("w\u200bait" is "wait", not four variables). */
const FORMAT_CHARS = /\p{Cf}/gu;

const BLOCKS: readonly RegExp[] = [
  /```[\s\S]*?(?:```|$)/g, // fenced code, also when a truncated completion never closes it
  /~~~[\s\S]*?(?:~~~|$)/g,
  /\\begin\{([^{}\n]*)\}[\s\S]*?(?:\\end\{\1\}|$)/g,
  /\$\$[\s\S]*?(?:\$\$|$)/g,
  /\\\[[\s\S]*?(?:\\\]|$)/g,
];

const INLINE: readonly RegExp[] = [
  /\\\([\s\S]*?(?:\\\)|$)/g,
  /\$[^$\n]+\$/g,
  /`[^`\n]*`/g,
  /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gi,
  /[\w.+-]+@[\w-]+\.[\w.-]+/g,
  /<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>/g,
  /\\[A-Za-z]+/g, // LaTeX command names outside math (\boxed, \frac): their arguments stay, as numbers or words
];

export function stripNonProse(text: string): string {
  let out = text.replace(FORMAT_CHARS, '');
  for (const pattern of BLOCKS) out = out.replace(pattern, '\n');
  for (const pattern of INLINE) out = out.replace(pattern, ' ');
  return out;
}
