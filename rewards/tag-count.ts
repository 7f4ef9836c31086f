/**
 * open-r1's `tag_count_reward` (src/open_r1/rewards.py): a soft format signal
 * worth 0.25 for each of `<think>\n`, `\n</think>\n`, `\n<answer>\n` and
 * `\n</answer>` appearing exactly once. With `newlines: false` the bare tags
 * are counted; with `answer_tag: false` only the two think tags count, 0.5 each.
 * One change from open-r1: a pair of tags earns its two shares only when it
 * opens before it closes and holds a word between (normalised text:
 * lib/text/normalize.ts), so bare tags around nothing earn nothing.
 */
import { normalizeCompletion } from './lib/tags.ts';
import { hasWord } from './lib/text/normalize.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    newlines: { type: 'boolean', default: true, description: "Count open-r1's newline-delimited tags (`<think>\\n` ...)" },
    answer_tag: { type: 'boolean', default: true, description: 'Also count the <answer> tags' },
  },
} as const;

interface Params {
  newlines: boolean;
  answer_tag: boolean;
}

function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The text between a pair's open and close tags holds a word, the open one first. */
function pairHolds(text: string, open: string, close: string): boolean {
  const start = text.indexOf(open);
  const end = text.indexOf(close, start + open.length);
  return start !== -1 && end !== -1 && hasWord(text.slice(start + open.length, end));
}

export const reward = defineReward<Params>({
  id: 'tag-count',
  version: 2,
  description: "open-r1's tag_count_reward: an equal share of 1 for each format tag that appears exactly once, a pair only when it holds a word.",
  paramsSchema,
  range: [0, 1],
  examples: [
    { name: 'all four tags once', sample: { completion: '<think>\nadd\n</think>\n<answer>\n4\n</answer>' }, expected: 1 },
    { name: 'think tags only', sample: { completion: '<think>\nadd\n</think>\n4' }, expected: 0.5 },
    { name: 'tag spam earns nothing for the repeated tag', sample: { completion: '<think>\n<think>\na\n</think>\n' }, expected: 0.25 },
    { name: 'without answer tags', sample: { completion: '<think>\nadd\n</think>\n4' }, params: { answer_tag: false }, expected: 1 },
    { name: 'bare tags around nothing earn nothing', sample: { completion: '<think>\n\n</think>\n<answer>\n\n</answer>' }, expected: 0 },
  ],
  score(sample, params) {
    const text = normalizeCompletion(sample.completion);
    const nl = params.newlines ? '\n' : '';
    const needles = [`<think>${nl}`, `${nl}</think>${nl}`];
    if (params.answer_tag) needles.push(`${nl}<answer>${nl}`, `${nl}</answer>`);
    const counts = needles.map((needle) => occurrences(text, needle));
    // Shares are scored from a copy: details report the counts as found.
    const scored = [...counts];
    const empty: string[] = [];
    // Needles come in pairs (open, close): a pair around no word loses both shares.
    for (let i = 0; i < needles.length; i += 2) {
      if (!pairHolds(text, needles[i], needles[i + 1])) {
        empty.push(i === 0 ? 'think' : 'answer');
        scored[i] = scored[i + 1] = 0;
      }
    }
    const score = scored.filter((c) => c === 1).length / needles.length;
    const details: Record<string, unknown> = { counts: Object.fromEntries(needles.map((n, i) => [n, counts[i]])) };
    if (empty.length > 0) details.empty = empty;
    return { score, details };
  },
});
