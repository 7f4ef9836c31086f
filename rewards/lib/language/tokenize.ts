/**
 * The tokens of one sentence, in one pass over its characters: words (runs
 * of letters, marks and digits, joined by ' ’ - . , inside them) with their
 * shape, and runs of the unspaced scripts (Han and kana; Thai, Lao, Khmer,
 * Burmese), left whole for the segmenter. Characters below U+0250 (ASCII
 * and the Latin letters of Western and Central European languages) are
 * classified by code; others once each, by Unicode property, and remembered.
 */
import { CJK_MARKS, CJK_SCRIPTS, SEA_SCRIPTS } from '../text/unspaced.ts';
import { scriptOf } from './scripts.ts';

export interface Token {
  text: string;
  start: number;
  end: number;
  /** A run of an unspaced script: 'CJK' (Han and kana) or its script ('Thai', ...). */
  unspaced?: string;
  /** The script of its letters, 'mixed' for lookalike scripts together (mixedScript), '' when it has none. */
  script: string;
  letters: number;
  hasDigit: boolean;
  /** More than one letter, all upper case (acronyms: GCD, ASCII). */
  allCaps: boolean;
  /** First letter upper case and some later letter lower case (names: Euler, McDonald). */
  capitalised: boolean;
  /** Words in it, filled in by the counter: 1, or what Intl.Segmenter finds in an unspaced run. */
  count: number;
  /** Which clause of its sentence it is in, filled in by the counter. */
  clause: number;
}

const enum Kind {
  Other,
  Letter,
  Mark,
  Digit,
  Joiner,
  Cjk,
  Sea,
}

interface CharClass {
  kind: Kind;
  script: string;
  upper: boolean;
}

const OTHER: CharClass = { kind: Kind.Other, script: '', upper: false };
const DIGIT: CharClass = { kind: Kind.Digit, script: '', upper: false };
const JOINER: CharClass = { kind: Kind.Joiner, script: '', upper: false };
const MARK: CharClass = { kind: Kind.Mark, script: '', upper: false };
const LATIN_UPPER: CharClass = { kind: Kind.Letter, script: 'Latin', upper: true };
const LATIN_LOWER: CharClass = { kind: Kind.Letter, script: 'Latin', upper: false };

const SEA = new Set<string>(SEA_SCRIPTS);
const CJK = new Set<string>(CJK_SCRIPTS);
const CJK_MARK_CODES = new Set(CJK_MARKS.map((mark) => mark.codePointAt(0)!));
const LETTER = /^\p{L}$/u;
const MARK_RE = /^\p{M}$/u;
const NUMBER = /^\p{N}$/u;

/** Classes met so far, interned; BMP code points index them through a table, the others through a map. */
const classes: CharClass[] = [];
const bmp = new Uint16Array(0x10000); // 0: not classified yet, else 1 + index in `classes`
const astral = new Map<number, CharClass>();

function intern(c: CharClass): number {
  let index = classes.findIndex((k) => k.kind === c.kind && k.script === c.script && k.upper === c.upper);
  if (index < 0) index = classes.push(c) - 1;
  return index + 1;
}

/** ASCII by table: the common case costs one lookup. */
const ASCII: CharClass[] = Array.from({ length: 0x80 }, (_, code) => {
  if (code >= 0x61 && code <= 0x7a) return LATIN_LOWER;
  if (code >= 0x41 && code <= 0x5a) return LATIN_UPPER;
  if (code >= 0x30 && code <= 0x39) return DIGIT;
  return code === 0x27 || code === 0x2d || code === 0x2e || code === 0x2c ? JOINER : OTHER;
});

function classify(code: number, char: string): CharClass {
  if (code < 0x80) return ASCII[code];
  if (code <= 0xffff) {
    let slot = bmp[code];
    if (slot === 0) bmp[code] = slot = intern(classifyRare(code, char));
    return classes[slot - 1];
  }
  let known = astral.get(code);
  if (!known) astral.set(code, (known = classifyRare(code, char)));
  return known;
}

function classifyRare(code: number, char: string): CharClass {
  if (code < 0x250 && code >= 0xc0 && code !== 0xd7 && code !== 0xf7) return char.toLowerCase() !== char ? LATIN_UPPER : LATIN_LOWER;
  if (code === 0x2019) return JOINER;
  if (CJK_MARK_CODES.has(code)) return { kind: Kind.Cjk, script: 'CJK', upper: false };
  if (LETTER.test(char)) {
    const script = scriptOf(char);
    if (CJK.has(script)) return { kind: Kind.Cjk, script: 'CJK', upper: false };
    if (SEA.has(script)) return { kind: Kind.Sea, script, upper: false };
    return { kind: Kind.Letter, script, upper: char.toLowerCase() !== char };
  }
  if (MARK_RE.test(char)) {
    const script = scriptOf(char);
    return SEA.has(script) ? { kind: Kind.Sea, script, upper: false } : MARK;
  }
  return NUMBER.test(char) ? DIGIT : OTHER;
}

function isWordKind(kind: Kind): boolean {
  return kind === Kind.Letter || kind === Kind.Mark || kind === Kind.Digit;
}

/** The class of the character (code point) at `i`. */
function classifyAt(text: string, i: number): CharClass {
  const code = text.codePointAt(i)!;
  return classify(code, code > 0xffff ? text.slice(i, i + 2) : text[i]);
}

export function tokenize(sentence: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sentence.length) {
    const code = sentence.charCodeAt(i);
    const first = code < 0x80 ? ASCII[code] : classifyAt(sentence, i);
    const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    if (first.kind === Kind.Cjk || first.kind === Kind.Sea) {
      i = scanUnspaced(sentence, i, first, tokens);
      continue;
    }
    if (!isWordKind(first.kind)) {
      i += width;
      continue;
    }
    i = scanWord(sentence, i, tokens);
  }
  return tokens;
}

/** A run of one unspaced class (all of CJK, or one Southeast Asian script with its marks). */
function scanUnspaced(sentence: string, start: number, first: CharClass, tokens: Token[]): number {
  let i = start;
  while (i < sentence.length) {
    const code = sentence.charCodeAt(i);
    const c = code < 0x80 ? ASCII[code] : classifyAt(sentence, i);
    const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    if (c.kind !== first.kind || (c.kind === Kind.Sea && c.script !== first.script)) break;
    i += width;
  }
  tokens.push({
    text: sentence.slice(start, i),
    start,
    end: i,
    unspaced: first.script,
    script: first.script,
    letters: i - start,
    hasDigit: false,
    allCaps: false,
    capitalised: false,
    count: 0,
    clause: 0,
  });
  return i;
}

/** Scripts with lookalike letters: a word mixing them is a homoglyph trick ("Тhe" with a Cyrillic Т). */
const LOOKALIKES = new Set(['Latin', 'Cyrillic', 'Greek', 'mixed']);

/**
 * The script of a word whose letters change script: 'mixed' between
 * lookalike scripts; otherwise the one that is not Latin, since Korean
 * attaches particles to a Latin variable ("n이"; a Japanese "xは" is a
 * word and a kana run, as kana is never part of a word).
 */
function mixedScript(a: string, b: string): string {
  if (LOOKALIKES.has(a) && LOOKALIKES.has(b)) return 'mixed';
  return a === 'Latin' ? b : b === 'Latin' ? a : 'mixed';
}

/** A word: letters, marks and digits, with single joiners between them; its shape on the way. */
function scanWord(sentence: string, start: number, tokens: Token[]): number {
  let i = start;
  let end = start;
  let script = '';
  let letters = 0;
  let upper = 0;
  let firstUpper = false;
  let hasDigit = false;
  while (i < sentence.length) {
    const code = sentence.charCodeAt(i);
    const c = code < 0x80 ? ASCII[code] : classifyAt(sentence, i);
    const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    if (c.kind === Kind.Joiner) {
      // A joiner belongs to the word only with a word character right after it ("don't", "re-check", "3.14").
      if (i + 1 >= sentence.length || !isWordKind(classifyAt(sentence, i + 1).kind)) break;
      i += 1;
      continue;
    }
    if (!isWordKind(c.kind)) break;
    if (c.kind === Kind.Letter) {
      script = script === '' || script === c.script ? c.script : mixedScript(script, c.script);
      if (c.upper) upper++;
      if (letters === 0) firstUpper = c.upper;
      letters++;
    } else if (c.kind === Kind.Digit) hasDigit = true;
    i += width;
    end = i;
  }
  tokens.push({
    text: sentence.slice(start, end),
    start,
    end,
    script,
    letters,
    hasDigit,
    allCaps: letters > 1 && upper === letters,
    capitalised: firstUpper && upper < letters,
    count: 1,
    clause: 0,
  });
  return end;
}
