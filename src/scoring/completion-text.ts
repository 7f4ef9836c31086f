/** The text a rule judges: a plain string, `{content}`, or the last assistant message of a conversation. */
import type { CompletionInput } from './types.ts';

export interface CompletionText {
  text: string;
  completion_ids?: number[];
  num_tokens?: number;
  /** Set when the completion has nothing to score (a conversation without an assistant message). */
  error?: string;
}

export function completionText(input: CompletionInput): CompletionText {
  if (typeof input === 'string') return { text: input };
  if (Array.isArray(input)) {
    for (let i = input.length - 1; i >= 0; i--) {
      if (input[i].role === 'assistant') return { text: input[i].content };
    }
    return { text: '', error: 'no_assistant_message' };
  }
  return { text: input.content, completion_ids: input.completion_ids, num_tokens: input.num_tokens };
}
