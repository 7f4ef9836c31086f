/**
 * Finds the final answer in a completion (or in a gold that is a whole
 * solution): the last `\boxed{}` (with the boxes joined to it), else an
 * `<answer>` tag, a "final answer is" / "Answer:" / "####" sentence, else the
 * whole text when it is math, else the last math span; the last plain number
 * only when allowed.
 */
import { GLUED_CONNECTOR } from './clean-math.ts';
import { finalBoxes, findBoxes, isConnectorGap, type Span } from './find-boxes.ts';

export interface ExtractOptions {
  /** Search only after the last `</think>`; an unclosed `<think>` has no answer. */
  thinkOnly: boolean;
  boxedOnly: boolean;
  lastNumberFallback: boolean;
  /** A marker sentence without math may give its last number (a completion's "the answer is 5 apples"); never for a gold. */
  proseNumbers?: boolean;
}

type AnswerSource = 'boxed' | 'answer_tag' | 'marker' | 'whole' | 'math' | 'number';

export interface Extraction {
  /** One or more answer texts (several boxes or spans joined by "and" form a list). */
  parts: string[];
  source: AnswerSource;
}

const MAX_SEARCH_CHARS = 50_000;
/** Words after a box, in its sentence, that withdraw it. */
const REFUTED = /^[^.\n$]{0,120}?\b(?:wrong|incorrect|not (?:correct|right|the (?:final )?answer)|isn't (?:correct|right))\b/i;
const MARKER = /(?:final\s+answer|(?<![</])\banswer)\s*(?:is\s*:?|:|=)?|####/gi;
const NUMBER = /(?<![A-Za-z0-9_.,^]|[\^_]\{)-?\d+(?:[.,]\d+)*(?:\/\d+)?(?:\s*%)?/g;
/** Words allowed in a bare math answer. */
const MATH_WORDS = new Set([
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'log',
  'exp',
  'sqrt',
  'and',
  'frac',
  'dfrac',
  'tfrac',
  'infty',
  'inf',
  'text',
  'left',
  'right',
  'cdot',
  'times',
  'pmatrix',
  'bmatrix',
  'begin',
  'end',
  'boxed',
  'quad',
  'qquad',
  'mbox',
  'circ',
  'pct',
  'percent',
  'cup',
  'approx',
  'leq',
  'geq',
  'neq',
  'lt',
  'gt',
  'mathrm',
  'textbf',
  'array',
  'mid',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'pmod',
  'mod',
  'sum',
  'prod',
  'binom',
  'lfloor',
  'rfloor',
  'lceil',
  'rceil',
  'emptyset',
  'varnothing',
  'mathbb',
]);

export function extractAnswer(text: string, options: ExtractOptions): Extraction | null {
  let region = text;
  if (options.thinkOnly) {
    const close = text.lastIndexOf('</think>');
    if (close >= 0) region = text.slice(close + '</think>'.length);
    else if (text.includes('<think>')) return null;
  }
  // The final answer is near the end; bounding the searched text bounds the work.
  region = region.slice(-MAX_SEARCH_CHARS);
  let all = findBoxes(region);
  const last = all.at(-1);
  // A box its own sentence calls wrong (`\boxed{7}, but that is wrong`) is withdrawn, with every number in it.
  if (last && REFUTED.test(region.slice(last.end, last.end + 160))) {
    region = region.slice(0, last.start) + ' '.repeat(last.end - last.start) + region.slice(last.end);
    all = all.slice(0, -1);
  }
  let marker: RegExpExecArray | null = null;
  for (const m of region.matchAll(MARKER)) marker = m;
  const boxes = finalBoxes(region, all);
  // A "final answer is" sentence written after the last box is the later, final word.
  const markerLast = !options.boxedOnly && marker && (!boxes.length || marker.index > boxes.at(-1)!.end);
  if (markerLast) {
    const parts = fromSentence(sentenceAt(region, marker!.index + marker![0].length), options.proseNumbers ?? true);
    if (parts) return { parts, source: 'marker' };
  }
  if (boxes.length) return { parts: boxes.map((b) => b.content), source: 'boxed' };
  if (options.boxedOnly) return null;
  const tag = /<answer>([\s\S]*?)<\/answer>(?![\s\S]*<answer>)/i.exec(region);
  if (tag) {
    const parts = fromSentence(tag[1]!.trim());
    return parts && { parts, source: 'answer_tag' };
  }
  return fromText(region.trim(), options.lastNumberFallback);
}

/** A gold that is a whole solution: its boxes, tags, `####` or a marker sentence with math say where its answer is. */
const SOLUTION = /\\(?:boxed|fbox)\b|<\/?answer>|<\/think>|####|final\s+answer|(?<![</])\banswer\s*(?:is\b|:)/i;

/**
 * The gold's answer: a whole solution is searched like a completion (no number fallback), by its
 * boxes, tags, `####` and the math of a marker sentence, never by a number taken out of prose; any other
 * gold is taken whole, never cut down to a piece of it (`\kappa - 4` is not 4).
 */
export function extractGold(text: string): Extraction | null {
  const t = text.trim();
  if (!t) return null;
  if (SOLUTION.test(t)) {
    const found = extractAnswer(t, { thinkOnly: false, boxedOnly: false, lastNumberFallback: false, proseNumbers: false });
    if (found) return found;
  }
  return { parts: [unwrapMath(t)], source: 'whole' };
}

/** `$…$`, `$$…$$`, `\(…\)`, `\[…\]` around the whole text, and a final period. */
function unwrapMath(t: string): string {
  for (;;) {
    const m = /^(?:\$\$([\s\S]*)\$\$|\$([\s\S]*)\$|\\\(([\s\S]*)\\\)|\\\[([\s\S]*)\\\])[\s.]*$/.exec(t);
    const inner = m && (m[1] ?? m[2] ?? m[3] ?? m[4])!;
    if (inner === null || inner === undefined || /\$|\\[()[\]]/.test(inner)) return t;
    t = inner.trim();
  }
}

/** A text without prose: it is the answer as a whole. */
function isBareMath(s: string): boolean {
  if (!s || s.length > 2000) return false;
  const words =
    s
      .replace(GLUED_CONNECTOR, ' ')
      .replace(/\\(?:text|mbox|textbf|mathrm)\s*\{[^{}]*\}/g, ' ')
      .match(/[a-zA-Z]{3,}/g) ?? [];
  return words.every((w) => MATH_WORDS.has(w.toLowerCase()));
}

/** Math spans `$$..$$`, `\[..\]`, `$..$`, `\(..\)`; inline ones do not cross a line break (those go to `broken`). */
function mathSpans(text: string, broken: Span[] = []): Span[] {
  const out: Span[] = [];
  const re = /\$\$|\\\[|\\\(|(?<!\\)\$/g;
  const unclosed = new Set<string>(); // a closer not found once is not searched again (keeps this linear)
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m[0];
    const close = open === '\\[' ? '\\]' : open === '\\(' ? '\\)' : open;
    if (unclosed.has(close)) continue;
    let end = text.indexOf(close, m.index + open.length);
    while (open === '$' && end > 0 && text[end - 1] === '\\') end = text.indexOf(close, end + 1);
    if (end < 0) {
      unclosed.add(close);
      continue;
    }
    const content = text.slice(m.index + open.length, end);
    if ((open === '$' || open === '\\(') && content.includes('\n')) {
      broken.push({ start: m.index, end: end + close.length, content });
      continue;
    }
    out.push({ start: m.index, end: end + close.length, content });
    re.lastIndex = end + close.length;
  }
  return out;
}

/** The text after a marker up to the end of its sentence; math spans are atomic. */
function sentenceAt(text: string, from: number): string {
  let i = from;
  while (/[\s*:]/.test(text[i] ?? '')) i++;
  const spans = new Map(mathSpans(text.slice(i)).map((s) => [s.start + i, s.end + i]));
  let j = i;
  while (j < text.length) {
    const spanEnd = spans.get(j);
    if (spanEnd !== undefined) {
      j = spanEnd;
      continue;
    }
    const c = text[j]!;
    if (c === '\n' || (c === '$' && text[j - 1] !== '\\')) break;
    if (c === '.' && !/\d/.test(text[j + 1] ?? '')) break;
    if (text.startsWith('I hope', j)) break;
    j++;
  }
  return text.slice(i, j).trim();
}

/** The answer inside one sentence: its math, else its last number, else the short sentence itself. */
function fromSentence(sentence: string, proseNumbers = true): string[] | null {
  if (!sentence) return null;
  const spans = mathSpans(sentence);
  if (spans.length) {
    const joined = joinedSpans(sentence, spans);
    // A number after the last span is the answer when that span only names what is asked (`the volume of
    // $ABCD$ is 120`); a span that states a value is the answer (`$x = 4$ (not 3)`, `$4$, or maybe 3`).
    const last = spans.at(-1)!;
    const number = /\d/.test(last.content) || !proseNumbers ? undefined : [...sentence.slice(last.end).matchAll(NUMBER)].at(-1);
    return number ? [number[0]] : joined;
  }
  // Markdown emphasis around the answer (`**5**`) is not part of it.
  const s = sentence
    .replace(/[.\s]+$/, '')
    .replace(/^[*_\s]+|[*_\s]+$/g, '')
    .replace(/[.\s]+$/, '');
  if (isBareMath(s)) return [s];
  const number = proseNumbers ? [...s.matchAll(NUMBER)].at(-1) : undefined;
  if (number) return [number[0]];
  return s.split(/\s+/).length <= 3 ? [s] : null;
}

/** The last span with the spans joined to it by connectors (`$1$ and $2$`). */
function joinedSpans(text: string, spans: Span[]): string[] {
  const chosen = [spans.at(-1)!];
  for (let i = spans.length - 2; i >= 0; i--) {
    const gap = text.slice(spans[i]!.end, chosen[0]!.start);
    if (!isConnectorGap(gap) || (gap.match(/[a-zA-Z]+/g) ?? []).filter((w) => w !== 'and' && w !== 'or').length > 1 || !/\b(?:and|or)\b|,/.test(gap)) break;
    chosen.unshift(spans[i]!);
  }
  return chosen.map((s) => s.content);
}

function fromText(text: string, lastNumber: boolean): Extraction | null {
  const broken: Span[] = [];
  const spans = mathSpans(text, broken);
  const whole = spans.length === 1 && spans[0]!.start === 0 && /^[\s.,;]*$/.test(text.slice(spans[0]!.end));
  if (whole) return { parts: [spans[0]!.content], source: 'whole' };
  if (!spans.length && isBareMath(text)) return { parts: [text], source: 'whole' };
  // A number inside a span, or inside inline math broken across lines, is no plain number.
  const inside = (i: number) => spans.some((s) => i >= s.start && i < s.end) || broken.some((s) => i >= s.start && i < s.end);
  let number: RegExpExecArray | undefined;
  if (lastNumber) for (const m of text.matchAll(NUMBER)) if (!inside(m.index)) number = m;
  if (spans.length && !(number && number.index > spans.at(-1)!.end)) return { parts: joinedSpans(text, spans), source: 'math' };
  return number ? { parts: [number[0]], source: 'number' } : null;
}
