/**
 * open-r1's `tag_count_reward` (src/open_r1/rewards.py): a soft format signal
 * worth 0.25 for each of `<think>\n`, `\n</think>\n`, `\n<answer>\n` and
 * `\n</answer>` appearing exactly once. With `newlines: false` the bare tags
 * are counted; with `answer_tag: false` only the two think tags count, 0.5 each.
 */
import { normalizeCompletion } from './lib/tags.ts';
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

export const reward = defineReward<Params>({
  id: 'tag-count',
  version: 1,
  description: "open-r1's tag_count_reward: an equal share of 1 for each format tag that appears exactly once.",
  paramsSchema,
  range: [0, 1],
  examples: [
    { name: 'all four tags once', sample: { completion: '<think>\nadd\n</think>\n<answer>\n4\n</answer>' }, expected: 1 },
    { name: 'think tags only', sample: { completion: '<think>\nadd\n</think>\n4' }, expected: 0.5 },
    { name: 'tag spam earns nothing for the repeated tag', sample: { completion: '<think>\n<think>\na\n</think>\n' }, expected: 0.25 },
    { name: 'without answer tags', sample: { completion: '<think>\nadd\n</think>\n4' }, params: { answer_tag: false }, expected: 1 },
  ],
  score(sample, params) {
    const text = normalizeCompletion(sample.completion);
    const nl = params.newlines ? '\n' : '';
    const needles = [`<think>${nl}`, `${nl}</think>${nl}`];
    if (params.answer_tag) needles.push(`${nl}<answer>${nl}`, `${nl}</answer>`);
    const counts = needles.map((needle) => occurrences(text, needle));
    const score = counts.filter((c) => c === 1).length / needles.length;
    return { score, details: { counts: Object.fromEntries(needles.map((n, i) => [n, counts[i]])) } };
  },
});
