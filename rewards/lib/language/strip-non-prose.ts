/**
 * Removes what is not prose in any language before words are counted, on
 * normalised text: code, fenced or not (whole lines that read as code, and
 * code-shaped names and calls inside prose), LaTeX (environments, display
 * and inline math, command names), URLs, e-mail addresses and markup tags.
 * Blocks become line breaks (sentence boundaries); inline spans become a
 * placeholder (⋯) that is neither a word nor an operator, so a word beside a
 * removed `$x$` or `f(x)` is not taken as bound to what follows it. A dollar sign opens inline math only as pandoc reads it (a
 * non-space after the opening `$`, before the closing one, and no digit
 * right after it), so amounts of money ("$5 and $2") stay prose. Plainly
 * written formulas are left to the word rules (count-words.ts: names bound
 * to operators are neutral). Every pattern scans forward without nested
 * quantifiers, so the pass stays linear.
 */
import { isCodeLine } from './code-lines.ts';

const BLOCKS: readonly RegExp[] = [
  /```[\s\S]*?(?:```|$)/g, // fenced code, also when a truncated completion never closes it
  /~~~[\s\S]*?(?:~~~|$)/g,
  /\\begin\{([^{}\n]*)\}[\s\S]*?(?:\\end\{\1\}|$)/g,
  /\$\$[\s\S]*?(?:\$\$|$)/g,
  /\\\[[\s\S]*?(?:\\\]|$)/g,
];

const INLINE: readonly RegExp[] = [
  /\\\([\s\S]*?(?:\\\)|$)/g,
  /\$(?=[^\s$])(?:[^$\n\\]|\\.)*?[^\s$\\]\$(?!\d)/g, // pandoc's rule: "$20 and $30" is no math
  /`[^`\n]*`/g,
  /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gi,
  /[\w.+-]+@[\w-]+\.[\w.-]+/g,
  /<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>/g,
  /\\[A-Za-z]+/g, // LaTeX command names outside math (\boxed, \frac): their arguments stay, as numbers or words
  // Code-shaped names: snake_case, camelCase, dotted.names (np.array, os.path.join) and calls (print(x), gcd(12, 18)).
  /\b[A-Za-z]\w*_\w*|\b[a-z]+[A-Z]\w*|\b[a-z_]\w+(?:\.[a-z_]\w+)+\b/g,
  /(?<![\p{L}\p{N}_])[\p{L}\p{N}_]+\((?:[^()\n]|\([^()\n]*\))*\)/gu,
];

export function stripNonProse(text: string): string {
  let out = text;
  for (const pattern of BLOCKS) out = out.replace(pattern, '\n');
  out = stripCodeLines(out);
  for (const pattern of INLINE) out = out.replace(pattern, ' ⋯ ');
  return out;
}

/** Lines that read as code, and the indented lines that follow one, become blank. */
function stripCodeLines(text: string): string {
  if (!/[=;:(){}]/.test(text)) return text; // no line of prose-free code without one of these
  const lines = text.split('\n');
  let inCode = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const continues: boolean = inCode && /^(?:\s{2,}|\t)\S/.test(line);
    inCode = continues || isCodeLine(line);
    if (inCode) lines[i] = '';
  }
  return lines.join('\n');
}
