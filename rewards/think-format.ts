/**
 * DeepSeek-R1's format reward, done right: exactly one `<think>...</think>`
 * with real reasoning in it, then a non-empty answer (optionally inside one
 * `<answer>...</answer>`). 1 when the format holds, 0 with a reason code when
 * it does not. Tags are found by a scanner (lib/tags.ts), not by one regex, so
 * nesting, order and duplicates are judged exactly. Emptiness is judged on
 * normalised text (lib/text/normalize.ts): fillers, Braille blanks and
 * zero-width characters are nothing, and a think block must hold words.
 */
import { boxedContents } from './lib/boxed.ts';
import { ngramRepetition } from './lib/text/ngrams.ts';
import { normalizeText, visibleChars } from './lib/text/normalize.ts';
import { metricWords, repetitionUnits } from './lib/text/words.ts';
import { parseThink } from './lib/think-structure.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prefilled_think: { type: 'boolean', default: false, description: 'The chat template already emitted `<think>`' },
    min_think_chars: {
      type: 'integer',
      minimum: 1,
      default: 1,
      description: 'Fewest visible characters of reasoning (whitespace, zero-width characters, fillers and Braille blanks do not count)',
    },
    min_think_words: {
      type: 'integer',
      minimum: 0,
      default: 1,
      description: 'Fewest words of reasoning (runs of letters or digits; Chinese, Japanese, Thai... segmented): `<think>.</think>` has none',
    },
    answer_tag: { type: 'boolean', default: false, description: 'Require `<answer>...</answer>` after `</think>` and nothing after it' },
  },
} as const;

const DEGENERATE_RATE = 0.5; // half of all 4-grams are repeats: a loop, not reasoning
const DEGENERATE_MIN_NGRAMS = 20; // too short to judge below this
/** What an answer must hold to be one: a letter, a digit or a math symbol (∞, ∅); punctuation or emoji alone is not. */
const ANSWER_CONTENT = /[\p{L}\p{N}\p{Sm}]/u;

/** Words of reasoning, counted only as far as the minimum asks (segmenting a long block costs). */
function thinkWords(think: string, needed: number): number {
  if (needed <= 1) return /[\p{L}\p{N}]/u.test(think) ? 1 : 0;
  return metricWords(think).length;
}

interface Params {
  prefilled_think: boolean;
  min_think_chars: number;
  min_think_words: number;
  answer_tag: boolean;
}

export const reward = defineReward<Params>({
  id: 'think-format',
  version: 3,
  description:
    'Format reward: exactly one non-empty <think>...</think> block first, then a non-empty answer (optionally in <answer> tags). 1 or 0 with a reason code.',
  paramsSchema,
  range: [0, 1],
  examples: [
    { name: 'reasoning then answer', sample: { completion: '<think>2+2 is 4</think>\nThe answer is 4.' }, expected: 1 },
    { name: 'no think block', sample: { completion: 'The answer is 4.' }, expected: 0, reason: 'missing_think' },
    { name: 'two think blocks', sample: { completion: '<think>a</think><think>b</think> 4' }, expected: 0, reason: 'multiple_think' },
    { name: 'a think block without a word is empty', sample: { completion: '<think>.</think> 4' }, expected: 0, reason: 'empty_think' },
    { name: 'template prefilled <think>', sample: { completion: 'add them</think> 4' }, params: { prefilled_think: true }, expected: 1 },
    {
      name: 'text after </answer> when answer tags are required',
      sample: { completion: '<think>add</think><answer>4</answer> or 5' },
      params: { answer_tag: true },
      expected: 0,
      reason: 'text_after_answer',
    },
  ],
  score(sample, params) {
    const parsed = parseThink(sample.completion, { prefilledThink: params.prefilled_think, answerTag: params.answer_tag });
    // A looping or hedging completion can be perfectly formatted: report both signals whatever the verdict.
    const repetition = ngramRepetition(repetitionUnits(sample.completion, { maskNumbers: true }), 4);
    const details: Record<string, unknown> = { flags: { ...parsed.flags, repetition_rate: Math.round(repetition.rate * 1000) / 1000 } };
    if (repetition.total >= DEGENERATE_MIN_NGRAMS && repetition.rate >= DEGENERATE_RATE) details.degenerate = true;
    if (parsed.flags.distinct_boxed > 1) details.hedging = true;
    if (!parsed.ok) return { score: 0, reason: parsed.reason, details };
    // Zero-width characters and fillers are not reasoning nor an answer: `<think>\u200b</think>\u3164` is empty.
    const think = normalizeText(parsed.think);
    if (visibleChars(think) < params.min_think_chars) return { score: 0, reason: 'empty_think', details };
    const words = thinkWords(think, params.min_think_words);
    if (words < params.min_think_words) return { score: 0, reason: 'empty_think', details: { ...details, think_words: words } };
    if (!ANSWER_CONTENT.test(normalizeText(parsed.answer))) {
      const answerInThink = /<answer>|\\boxed\s*\{|\\fbox\s*\{/.test(parsed.think) || boxedContents(parsed.think).length > 0;
      return { score: 0, reason: answerInThink ? 'answer_only_in_think' : 'empty_answer', details };
    }
    return { score: 1, details };
  },
});
