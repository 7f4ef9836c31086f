/**
 * A lenient split of a completion into its chain of thought and its answer,
 * for rules that judge one part (language, string checks). Strictness about
 * the format is think-format's job: here a missing `</think>` means the whole
 * completion was thinking (truncated), a lone `</think>` means the template
 * prefilled `<think>`, and several blocks are read as one span.
 */
import { normalizeCompletion, scanTags } from '../tags.ts';

export interface ThinkSplit {
  think: string;
  answer: string;
}

export function splitThink(completion: string, prefilledThink = false): ThinkSplit {
  let text = normalizeCompletion(completion);
  if (prefilledThink && !text.startsWith('<think>')) text = `<think>${text}`;
  const tags = scanTags(text, ['think']);
  const open = tags.find((t) => !t.close);
  const close = tags.findLast((t) => t.close);
  if (!open && !close) return { think: '', answer: text.trim() };
  if (!close || (open && close.start < open.start)) return { think: text.slice(open!.end).trim(), answer: '' };
  const thinkStart = open && open.start < close.start ? open.end : 0;
  return { think: text.slice(thinkStart, close.start).trim(), answer: text.slice(close.end).trim() };
}

/** The final answer: the last `<answer>...</answer>` after the thinking if there is one, else all text after it. */
export function answerText(completion: string): string {
  const { answer } = splitThink(completion);
  const tags = scanTags(answer, ['answer']);
  const close = tags.findLast((t) => t.close);
  const open = close && tags.findLast((t) => !t.close && t.start < close.start);
  return open && close ? answer.slice(open.end, close.start).trim() : answer;
}
