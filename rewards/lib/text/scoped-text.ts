/** What the string rules read: the final answer or the whole completion, and the reference strings. */
import { normalizeCompletion } from '../tags.ts';
import { answerText } from './split-think.ts';

export type Scope = 'answer' | 'completion';

export const scopeParam = {
  enum: ['answer', 'completion'],
  default: 'answer',
  description: "'answer': the text after </think> (inside <answer> tags if any); 'completion': everything",
} as const;

export function scopedText(completion: string, scope: Scope): string {
  return scope === 'answer' ? answerText(completion) : normalizeCompletion(completion);
}

export const referenceStringShapes = 'a string, a number, or a list of them (any one may match)';

/** Why `reference` cannot be compared as text, or undefined. */
export function referenceStringProblem(reference: unknown): string | undefined {
  if (referenceStrings(reference)) return undefined;
  if (Array.isArray(reference)) return reference.length === 0 ? 'the reference is an empty list' : 'the reference list holds no string or number';
  return `the reference is ${reference === null ? 'null' : typeof reference}`;
}

/** The reference as a list of strings (numbers are stringified), or undefined when there is none. */
export function referenceStrings(reference: unknown): string[] | undefined {
  const list = (Array.isArray(reference) ? reference : [reference]).filter((r) => typeof r === 'string' || typeof r === 'number').map(String);
  return list.length > 0 ? list : undefined;
}
