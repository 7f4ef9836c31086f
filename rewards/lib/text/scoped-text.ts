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

/** The reference as a list of strings (numbers are stringified), or undefined when there is none. */
export function referenceStrings(reference: unknown): string[] | undefined {
  const list = (Array.isArray(reference) ? reference : [reference]).filter((r) => typeof r === 'string' || typeof r === 'number').map(String);
  return list.length > 0 ? list : undefined;
}
