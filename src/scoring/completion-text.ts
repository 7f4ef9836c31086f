/** The text a rule judges (a plain string, `{content}`, or the last assistant message of a conversation) and the prompt it reads. */
import type { CompletionInput, Message } from './types.ts';

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

/** The prompt as rules read it: the text, or a conversation's last user message (undefined when it has none). */
export function promptText(prompt: string | readonly Message[]): string | undefined {
  if (typeof prompt === 'string') return prompt;
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === 'user') return prompt[i].content;
  return undefined;
}
