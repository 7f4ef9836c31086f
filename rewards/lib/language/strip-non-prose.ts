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

/** Each pattern runs only on text holding its needle: most chains of thought hold few of them. */
const BLOCKS: ReadonlyArray<[needle: string, pattern: RegExp]> = [
  ['```', /```[\s\S]*?(?:```|$)/g], // fenced code, also when a truncated completion never closes it
  ['~~~', /~~~[\s\S]*?(?:~~~|$)/g],
  ['\\begin', /\\begin\{([^{}\n]*)\}[\s\S]*?(?:\\end\{\1\}|$)/g],
  ['$$', /\$\$[\s\S]*?(?:\$\$|$)/g],
  ['\\[', /\\\[[\s\S]*?(?:\\\]|$)/g],
];

const INLINE: ReadonlyArray<[needle: string, pattern: RegExp]> = [
  ['\\(', /\\\([\s\S]*?(?:\\\)|$)/g],
  ['$', /\$(?=[^\s$])(?:[^$\n\\]|\\.)*?[^\s$\\]\$(?!\d)/g], // pandoc's rule: "$20 and $30" is no math
  ['`', /`[^`\n]*`/g],
  ['://', /\b(?:https?|ftp):\/\/\S+/gi],
  ['www.', /\bwww\.\S+/gi],
  ['@', /[\w.+-]+@[\w-]+\.[\w.-]+/g],
  ['<', /<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>/g],
  ['\\', /\\[A-Za-z]+/g], // LaTeX command names outside math (\boxed, \frac): their arguments stay, as numbers or words
  // Code-shaped names: snake_case, camelCase, dotted.names (np.array, os.path.join).
  ['_', /\b[A-Za-z]\w*_\w*/g],
  ['', /\b[a-z]+[A-Z]\w*|\b[a-z_]\w+(?:\.[a-z_]\w+)+\b/g],
];
/** Cheaper to find than the names themselves: without one of these, no camelCase or dotted name. */
const CAMEL_OR_DOTTED = /[a-z][A-Z]|\w\.[a-z_]/;

export function stripNonProse(text: string): string {
  let out = text;
  for (const [needle, pattern] of BLOCKS) if (out.includes(needle)) out = out.replace(pattern, '\n');
  out = stripCodeLines(out);
  for (const [needle, pattern] of INLINE) {
    if (needle === '' ? CAMEL_OR_DOTTED.test(out) : out.includes(needle)) out = out.replace(pattern, PLACEHOLDER);
  }
  return out.includes('(') ? stripCalls(out) : out;
}

const PLACEHOLDER = ' ⋯ ';
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Calls: a name right before a bracket, up to the bracket that closes it on
 * the same line, one nested pair allowed (print(x), gcd(12, 18), f(g(x))).
 * Scanned from each `(`, so the pass stays linear however long the words.
 */
function stripCalls(text: string): string {
  let out = '';
  let copied = 0;
  for (let open = text.indexOf('('); open !== -1; open = text.indexOf('(', open + 1)) {
    if (open < copied || open === 0 || !WORD_CHAR.test(text[open - 1])) continue;
    const close = closingBracket(text, open);
    if (close === -1) continue;
    let start = open;
    while (start > copied && WORD_CHAR.test(text[start - 1])) start--;
    out += text.slice(copied, start) + PLACEHOLDER;
    copied = close + 1;
    open = close;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The `)` closing the `(` at `open` on its line, with at most one nested pair; -1 when there is none. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') return -1;
    if (char === '(') {
      if (++depth > 1) return -1;
    } else if (char === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
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
