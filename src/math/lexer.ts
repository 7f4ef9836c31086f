/**
 * Splits LaTeX or plain math into tokens. Macro arguments (`\frac12`,
 * `\sqrt3`) take one digit at a time, so the lexer can hand a number back
 * split; `\text{...}`-like groups come out whole as one `text` token.
 */
import { ParseError } from './limits.ts';

export type TokenType = 'num' | 'letters' | 'cmd' | 'op' | 'text' | 'begin' | 'end' | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  /** Whitespace came before this token. */
  space: boolean;
}

/** Commands whose braced argument is literal text. */
const TEXT_COMMANDS = new Set(['text', 'textbf', 'textit', 'textrm', 'textnormal', 'mbox', 'textsf', 'texttt', 'hbox']);

/** Two-character operators, longest first. */
const OPS2 = ['<=', '>=', '!=', '=<', '=>', '==', '**', '\\\\'];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let space = false;
  const push = (type: TokenType, value: string) => {
    out.push({ type, value, space });
    space = false;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      space = true;
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (/[\d.]/.test(c) && /\d/.test(c === '.' ? (src[i + 1] ?? '') : c)) {
      const m = /^(\d+\.(?![\d.])|\d*\.?\d+(?:[eE][+-]?\d+(?![a-zA-Z]))?)/.exec(src.slice(i))!;
      push('num', m[0].replace(/\.$/, ''));
      i += m[0].length;
    } else if (/[a-zA-Z]/.test(c)) {
      const m = /^[a-zA-Z]+/.exec(src.slice(i))!;
      push('letters', m[0]);
      i += m[0].length;
    } else if (two === '\\\\') {
      push('op', '\\\\');
      i += 2;
    } else if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/s.exec(src.slice(i));
      if (!m) throw new ParseError('dangling backslash');
      const name = m[1]!;
      i += m[0].length;
      if (TEXT_COMMANDS.has(name)) {
        const { content, end } = readGroup(src, i);
        // `\text{-}4`, `\text{13}`: digits and signs in text are still math.
        if (/^[\d\s.+\-,()/]+$/.test(content) && /[\d+\-]/.test(content)) out.push(...tokenize(content).slice(0, -1));
        else push('text', content);
        i = end;
      } else if (name === 'begin' || name === 'end') {
        const { content, end } = readGroup(src, i);
        push(name, content.replace(/\*$/, ''));
        i = end;
      } else {
        push('cmd', name);
      }
    } else if (OPS2.includes(two)) {
      push('op', two === '=<' ? '<=' : two === '=>' ? '>=' : two === '==' ? '=' : two === '**' ? '^' : two);
      i += 2;
    } else {
      push('op', c);
      i++;
    }
  }
  out.push({ type: 'eof', value: '', space });
  return out;
}

/** Reads a brace group starting at `i` (after optional spaces); returns its raw content. */
export function readGroup(src: string, i: number): { content: string; end: number } {
  while (src[i] === ' ') i++;
  if (src[i] !== '{') throw new ParseError('expected {');
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    if (src[j] === '\\') {
      j++;
      continue;
    }
    if (src[j] === '{') depth++;
    else if (src[j] === '}' && --depth === 0) return { content: src.slice(i + 1, j), end: j + 1 };
  }
  throw new ParseError('unbalanced braces');
}
