/**
 * Splits a completion into its `<think>` block and its answer, or says
 * precisely why it cannot: the parse behind `think-format` (and any rule
 * that needs "the chain of thought" or "the answer" of a completion).
 */
import { boxedContents } from './boxed.ts';
import { normalizeCompletion, scanTags } from './tags.ts';

export interface ThinkOptions {
  /** The chat template already emitted `<think>`: the completion starts inside the block. */
  prefilledThink: boolean;
  /** Require one `<answer>...</answer>` after `</think>`, and nothing after it. */
  answerTag: boolean;
}

type ThinkFailure =
  | 'missing_think'
  | 'text_before_think'
  | 'unclosed_think'
  | 'nested_think'
  | 'multiple_think'
  | 'unbalanced_tags'
  | 'answer_inside_think'
  | 'missing_answer_tag'
  | 'text_after_answer';

interface ThinkStructure {
  think: string;
  answer: string;
  /** Anti-hacking signals, reported whatever the verdict. */
  flags: { think_blocks: number; tag_count: number; boxed_in_answer: number; distinct_boxed: number };
}

export type ThinkParse = ({ ok: true } & ThinkStructure) | { ok: false; reason: ThinkFailure; flags: ThinkStructure['flags'] };

export function parseThink(completion: string, options: ThinkOptions): ThinkParse {
  let text = normalizeCompletion(completion);
  // A template that prefills `<think>` may still leave it in the decoded completion; count it once.
  if (options.prefilledThink && !text.startsWith('<think>')) text = `<think>${text}`;
  const tokens = scanTags(text, ['think', 'answer']);
  const thinkTokens = tokens.filter((t) => t.name === 'think');
  const flags = { think_blocks: thinkTokens.filter((t) => !t.close).length, tag_count: tokens.length, boxed_in_answer: 0, distinct_boxed: 0 };
  const fail = (reason: ThinkFailure): ThinkParse => ({ ok: false, reason, flags });

  const [open, close, ...moreThink] = thinkTokens;
  if (!open) return fail('missing_think');
  if (open.close) return fail('unbalanced_tags');
  if (open.start > 0) return fail('text_before_think');
  if (!close) return fail('unclosed_think');
  if (!close.close) return fail('nested_think');
  if (moreThink.length > 0) return fail(moreThink.some((t) => !t.close) ? 'multiple_think' : 'unbalanced_tags');

  const think = text.slice(open.end, close.start);
  const answerTokens = tokens.filter((t) => t.name === 'answer');
  if (answerTokens.some((t) => t.start < close.start)) return fail('answer_inside_think');
  let answer = text.slice(close.end);
  if (options.answerTag || answerTokens.length > 0) {
    const [aOpen, aClose, ...moreAnswer] = answerTokens;
    if (!aOpen) return fail('missing_answer_tag');
    if (aOpen.close || !aClose || !aClose.close || moreAnswer.length > 0) return fail('unbalanced_tags');
    if (options.answerTag) {
      if (text.slice(close.end, aOpen.start).trim() !== '') return fail('missing_answer_tag');
      if (text.slice(aClose.end).trim() !== '') return fail('text_after_answer');
    }
    answer = text.slice(aOpen.end, aClose.start);
  }
  const boxed = boxedContents(answer);
  flags.boxed_in_answer = boxed.length;
  flags.distinct_boxed = new Set(boxed).size;
  return { ok: true, think: think.trim(), answer: answer.trim(), flags };
}
