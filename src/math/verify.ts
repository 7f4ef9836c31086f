/**
 * The whole judgement: extract both answers, parse them, compare them, and
 * explain the verdict. Reasons: match, mismatch, no_answer,
 * unparsable_answer, answer_limit_exceeded (0: the answer alone is over a
 * guard rail or the work budget), unparsable_gold, limit_exceeded (null: the
 * gold itself is), timeout (null: the machine, not the answer, ran out of time).
 */
import type { ScoreResult } from '../../rewards/types.ts';
import { withBudget } from './budget.ts';
import { normalizeText, stripTextCommands, textNorm } from './normalize-text.ts';
import { extractAnswer, extractGold, type Extraction } from './extract.ts';
import { parseAnswer } from './parse-answer.ts';
import { equivalent } from './equivalent.ts';
import { formatValue } from './format-value.ts';
import { commaDecimal, isPointDecimal, numberWords, sameTime, timeOfDay } from './forms.ts';
import { LIMITS, LimitError, ParseError } from './limits.ts';
import { resolveOptions, type VerifyOptions } from './verify-options.ts';
import type { Value } from './value.ts';

interface Parsed {
  value: Value;
  /** Words that are not math: compared as text only. */
  wordy: boolean;
}

/** Plain words (`\text{Evelyn}`, `(C)`, `odd`) are an answer too, compared as text. */
const TEXT_LIKE = /^[\p{L}\p{N}\s.,;:'"()!?&-]*\p{L}[\p{L}\p{N}\s.,;:'"()!?&-]*$/u;
/** Short answers that are words even though the parser could read them as products of letters. */
const ANSWER_WORDS = /^(?:no|yes|none|true|false|odd|even|both|neither|all|never|always|impossible|undefined)$/i;

/** Details stay small whatever the answer's size. */
const MAX_DETAIL_CHARS = 300;
const clip = (s: string) => (s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS)}…` : s);

/**
 * The text an answer is compared by before any maths: `$`, `\(…\)` and LaTeX spacing dropped, spaces
 * dropped except one between two letters or digits, a final period and the brackets of `(C)` dropped.
 * Braces and that one space stay: `\sqrt{2+1}` is not `\sqrt{2}+1`, `1 2` is not `12`; the maths decides those.
 */
function textKey(s: string): string {
  return stripTextCommands(s)
    .replace(/\\[,;:! ]|\$|\\\(|\\\)/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ (?![\p{L}\p{N}])|(?<![\p{L}\p{N}]) /gu, '')
    .replace(/\.$/, '')
    .replace(/^\((\w)\)$/, '$1');
}

/** Equal as text; words (not symbols: `2a` is not `2A`) also regardless of case and articles. */
function sameText(gold: string, answer: string, wordy: boolean): boolean {
  const [g, a] = [textKey(gold), textKey(answer)];
  return g === a || (wordy && textNorm(gold) === textNorm(answer));
}

function parsePart(part: string, options: VerifyOptions, maxChars: number): Parsed {
  // Words only matter when the part has a run of letters that is no command.
  const letters = /(?<![\\a-zA-Z])[a-zA-Z]{2,}/.test(part);
  const words = letters ? numberWords(part) : null;
  if (letters && ANSWER_WORDS.test(stripTextCommands(part).trim())) return { value: { kind: 'text', text: stripTextCommands(part).trim() }, wordy: true };
  try {
    return parseAnswer(words ?? part, { decimalComma: options.decimalComma, maxChars });
  } catch (error) {
    const text = stripTextCommands(part).trim();
    if (error instanceof ParseError && TEXT_LIKE.test(text)) return { value: { kind: 'text', text }, wordy: true };
    throw error;
  }
}

function parseParts(extraction: Extraction, options: VerifyOptions, maxChars: number): Parsed {
  const parsed = extraction.parts.map((part) => parsePart(part, options, maxChars));
  if (parsed.length === 1) return parsed[0]!;
  const items = parsed.flatMap((p) => (p.value.kind === 'list' ? p.value.items : [p.value]));
  return { value: { kind: 'list', items }, wordy: parsed.some((p) => p.wordy) };
}

/** Where a guard rail was hit: the answer's own trouble is a wrong answer, the gold's is no verdict. */
class Stage extends Error {
  constructor(
    readonly stage: 'gold' | 'answer',
    readonly limit: LimitError,
  ) {
    super(limit.message);
  }
}

const goldMaxChars = LIMITS.maxAnswerChars * LIMITS.goldFactor;

export function verify(gold: string, answer: string, rawOptions: Record<string, unknown>): ScoreResult {
  const options = resolveOptions(rawOptions);
  const details: Record<string, unknown> = {};
  const fail = (score: 0 | null, reason: string): ScoreResult => ({ score, reason, details: { ...details, reason } });
  try {
    return judge(gold, answer, options, details, fail);
  } catch (error) {
    if (!(error instanceof Stage)) throw error;
    if (error.limit.limit === 'deadline') return fail(null, 'timeout');
    if (error.stage === 'answer' && goldAlone(gold, options)) return fail(0, 'answer_limit_exceeded');
    return fail(null, 'limit_exceeded');
  }
}

/** Whether the gold, compared with itself, stays within every limit: then a limit hit was the answer's. */
function goldAlone(gold: string, options: VerifyOptions): boolean {
  try {
    return withBudget(LIMITS.maxWork, () => {
      const g = extractGold(normalizeText(gold));
      if (!g) return true;
      const value = parseParts(g, options, goldMaxChars).value;
      equivalent(value, value, options);
      return true;
    });
  } catch (error) {
    if (error instanceof LimitError) return false;
    return true;
  }
}

function judge(
  gold: string,
  answer: string,
  options: VerifyOptions,
  details: Record<string, unknown>,
  fail: (score: 0 | null, reason: string) => ScoreResult,
): ScoreResult {
  let stage: 'gold' | 'answer' = 'gold';
  const match = (path: string): ScoreResult => {
    details.path = path;
    return { score: 1, reason: 'match', details: { ...details, reason: 'match' } };
  };
  try {
    return withBudget(LIMITS.maxWork, () => {
      const g = extractGold(normalizeText(gold));
      if (!g) return fail(null, 'unparsable_gold');
      details.gold = clip(g.parts.join(' ; '));
      const a = extractAnswer(normalizeText(answer), options);
      let gp: Parsed | null = null;
      try {
        gp = parseParts(g, options, goldMaxChars);
      } catch (error) {
        if (error instanceof LimitError) throw error;
      }
      if (!gp) {
        // A gold that cannot be read is never judged by a piece of it; only the very same text matches it.
        if (a && textKey(g.parts.join(',')) === textKey(a.parts.join(','))) return match('text');
        return fail(null, 'unparsable_gold');
      }
      details.gold_normal = clip(formatValue(gp.value));
      if (!a) return fail(0, 'no_answer');
      details.answer = clip(a.parts.join(' ; '));
      details.source = a.source;
      stage = 'answer';
      const [gt, at] = [g.parts.length === 1 && timeOfDay(g.parts[0]!), a.parts.length === 1 && timeOfDay(a.parts[0]!)];
      if (gt && at) return sameTime(gt, at) ? match('time') : fail(0, 'mismatch');
      let ap: Parsed;
      try {
        ap = parseParts(a, options, LIMITS.maxAnswerChars);
      } catch (error) {
        if (error instanceof LimitError) throw error;
        return fail(0, 'unparsable_answer');
      }
      details.answer_normal = clip(formatValue(ap.value));
      if (sameText(g.parts.join(','), a.parts.join(','), gp.wordy || ap.wordy)) return match('text');
      if (gp.wordy || ap.wordy) {
        details.path = 'text';
        return fail(0, 'mismatch');
      }
      const verdict = equivalent(gp.value, ap.value, options);
      details.path = verdict.path;
      if (verdict.equal) return match(verdict.path);
      if (commaReading(g, gp.value, a, ap.value, options)) return match('exact');
      return fail(0, 'mismatch');
    });
  } catch (error) {
    if (error instanceof LimitError) throw new Stage(stage, error);
    throw error;
  }
}

/**
 * `2,5` against `2.5`, either way round: a comma between digits that is no thousands group may be a
 * decimal comma. The answer's `2,5` is read so against a gold that is one number (which the list it
 * also reads as could never match); the gold's `1,22` only against an answer written with a point.
 */
function commaReading(g: Extraction, gv: Value, a: Extraction, av: Value, options: VerifyOptions): boolean {
  if (options.decimalComma || g.parts.length !== 1 || a.parts.length !== 1) return false;
  const read = (text: string) => parseAnswer(text, { decimalComma: false }).value;
  const answerReading = commaDecimal(a.parts[0]!);
  if (answerReading && gv.kind === 'expr' && equivalent(gv, read(answerReading), options).equal) return true;
  const goldReading = commaDecimal(g.parts[0]!);
  return !!goldReading && isPointDecimal(a.parts[0]!) && equivalent(read(goldReading), av, options).equal;
}
