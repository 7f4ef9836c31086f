/**
 * What the string rules read: the final answer, the whole completion, or
 * the completion exactly as sent, and the reference strings. The first two
 * go through the shared normalisation (normalize.ts), references too, so an
 * invisible or fullwidth character neither hides nor fakes a match;
 * `verbatim` is OpenAI's literal reading, which POST /v1/graders/run uses.
 */
import { normalizeCompletion } from '../tags.ts';
import { normalizeText } from './normalize.ts';
import { answerText } from './split-think.ts';

export type Scope = 'answer' | 'completion' | 'verbatim';

export const scopeParam = {
  enum: ['answer', 'completion', 'verbatim'],
  default: 'answer',
  description:
    "'answer': the text after </think> (inside <answer> tags if any), normalised (NFKC, invisible characters removed); 'completion': everything, normalised; 'verbatim': the completion exactly as sent, neither split, trimmed nor normalised (OpenAI's graders, as POST /v1/graders/run reads them)",
} as const;

export function scopedText(completion: string, scope: Scope): string {
  if (scope === 'verbatim') return completion;
  return normalizeText(scope === 'answer' ? answerText(completion) : normalizeCompletion(completion));
}

export const referenceStringShapes = 'a string, a number, or a list of them (any one may match)';

/** Why `reference` cannot be compared as text, or undefined. */
export function referenceStringProblem(reference: unknown): string | undefined {
  if (referenceStrings(reference)) return undefined;
  if (Array.isArray(reference)) return reference.length === 0 ? 'the reference is an empty list' : 'the reference list holds no string or number';
  return `the reference is ${reference === null ? 'null' : typeof reference}`;
}

/** The reference as a list of strings (numbers are stringified), or undefined when there is none; normalised unless verbatim. */
export function referenceStrings(reference: unknown, scope: Scope = 'verbatim'): string[] | undefined {
  const list = (Array.isArray(reference) ? reference : [reference]).filter((r) => typeof r === 'string' || typeof r === 'number').map(String);
  if (list.length === 0) return undefined;
  return scope === 'verbatim' ? list : list.map(normalizeText);
}
