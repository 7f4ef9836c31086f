/**
 * The whole judgement: extract both answers, parse them, compare them, and
 * explain the verdict. Reasons: match, mismatch, no_answer,
 * unparsable_answer, answer_limit_exceeded (0), unparsable_gold,
 * limit_exceeded (null: the gold itself is over a guard rail), timeout.
 */
import type { ScoreResult } from '../../rewards/types.ts';
import { normalizeText } from './normalize-text.ts';
import { extractAnswer, type Extraction } from './extract.ts';
import { parseAnswer } from './parse-answer.ts';
import { equivalent } from './equivalent.ts';
import { formatValue } from './format-value.ts';
import { LimitError, ParseError } from './limits.ts';
import { resolveOptions, type VerifyOptions } from './verify-options.ts';
import type { Value } from './value.ts';

interface Parsed {
  value: Value;
  wordy: boolean;
}

/** Plain words (`\text{Evelyn}`, `(C)`, `odd`) are an answer too, compared as text. */
const TEXT_LIKE = /^[\p{L}\p{N}\s.,;:'"()!?&-]*\p{L}[\p{L}\p{N}\s.,;:'"()!?&-]*$/u;
const stripText = (s: string) => s.replace(/\\(?:text|textbf|textit|textrm|textnormal|mathrm|mbox|operatorname)\s*\{([^{}]*)\}/g, '$1');

/** Details stay small whatever the answer's size. */
const MAX_DETAIL_CHARS = 300;
const clip = (s: string) => (s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS)}…` : s);

/**
 * The text an answer is compared by before any maths: `$`, `\(…\)` and LaTeX spacing dropped, spaces
 * dropped except one between two letters or digits, a final period and the brackets of `(C)` dropped.
 * Braces and that one space stay: `\sqrt{2+1}` is not `\sqrt{2}+1`, `1 2` is not `12`; the maths decides those.
 */
export function textKey(s: string): string {
  return stripText(s)
    .replace(/\\[,;:! ]|\$|\\\(|\\\)/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ (?![\p{L}\p{N}])|(?<![\p{L}\p{N}]) /gu, '')
    .replace(/\.$/, '')
    .replace(/^\((\w)\)$/, '$1');
}

/** Equal as text; words (not symbols: `2a` is not `2A`) also regardless of case. */
function sameText(gold: string, answer: string, wordy: boolean): boolean {
  const [g, a] = [textKey(gold), textKey(answer)];
  return g === a || (wordy && g.length > 1 && g.toLowerCase() === a.toLowerCase());
}

/** Whether the gold alone stays within the guard rails when compared, so a limit hit is the answer's. */
function goldWithinLimits(gold: Value, options: VerifyOptions): boolean {
  try {
    equivalent(gold, gold, options);
    return true;
  } catch (error) {
    if (error instanceof LimitError) return false;
    throw error;
  }
}

function parseParts(extraction: Extraction, options: VerifyOptions): Parsed {
  const parsed = extraction.parts.map((part): Parsed => {
    try {
      return parseAnswer(part, { decimalComma: options.decimalComma });
    } catch (error) {
      const text = stripText(part).trim();
      if (error instanceof ParseError && TEXT_LIKE.test(text)) return { value: { kind: 'text', text }, wordy: true };
      throw error;
    }
  });
  if (parsed.length === 1) return parsed[0]!;
  const items = parsed.flatMap((p) => (p.value.kind === 'list' ? p.value.items : [p.value]));
  return { value: { kind: 'list', items }, wordy: parsed.some((p) => p.wordy) };
}

export function verify(gold: string, answer: string, rawOptions: Record<string, unknown>): ScoreResult {
  const options = resolveOptions(rawOptions);
  const details: Record<string, unknown> = {};
  const fail = (score: 0 | null, reason: string): ScoreResult => ({ score, reason, details: { ...details, reason } });
  try {
    const g = extractAnswer(normalizeText(gold), { thinkOnly: false, boxedOnly: false, lastNumberFallback: true });
    if (!g) return fail(null, 'unparsable_gold');
    details.gold = clip(g.parts.join(' ; '));
    let gp: Parsed;
    try {
      gp = parseParts(g, options);
    } catch (error) {
      if (error instanceof LimitError) throw error;
      return fail(null, 'unparsable_gold');
    }
    details.gold_normal = clip(formatValue(gp.value));
    const a = extractAnswer(normalizeText(answer), options);
    if (!a) return fail(0, 'no_answer');
    details.answer = clip(a.parts.join(' ; '));
    details.source = a.source;
    // From here a guard rail hit by the answer alone (`\boxed{1000!}` for a gold of 3) is a wrong answer,
    // not an unjudgeable one: a null would let a policy trade a likely 0 for no gradient at all.
    const answerOverLimit = (error: unknown) =>
      error instanceof LimitError && error.limit !== 'deadline' && goldWithinLimits(gp.value, options) ? fail(0, 'answer_limit_exceeded') : undefined;
    let ap: Parsed;
    try {
      ap = parseParts(a, options);
    } catch (error) {
      if (!(error instanceof LimitError)) return fail(0, 'unparsable_answer');
      const over = answerOverLimit(error);
      if (over) return over;
      throw error;
    }
    details.answer_normal = clip(formatValue(ap.value));
    if (sameText(g.parts.join(','), a.parts.join(','), gp.wordy || ap.wordy)) {
      details.path = 'text';
      return { score: 1, reason: 'match', details: { ...details, reason: 'match' } };
    }
    if (gp.wordy || ap.wordy) {
      details.path = 'text';
      return fail(0, 'mismatch');
    }
    let verdict: ReturnType<typeof equivalent>;
    try {
      verdict = equivalent(gp.value, ap.value, options);
    } catch (error) {
      const over = answerOverLimit(error);
      if (over) return over;
      throw error;
    }
    details.path = verdict.path;
    return verdict.equal ? { score: 1, reason: 'match', details: { ...details, reason: 'match' } } : fail(0, 'mismatch');
  } catch (error) {
    if (error instanceof LimitError) return fail(null, error.limit === 'deadline' ? 'timeout' : 'limit_exceeded');
    throw error;
  }
}
