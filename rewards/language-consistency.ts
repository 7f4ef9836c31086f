/**
 * DeepSeek-R1's language-consistency reward (DeepSeek-R1 paper, section
 * 2.3.3): "the proportion of target language words in the CoT",
 * Num(words in the target language) / Num(words), with neutral tokens
 * (numbers, variables, acronyms and quoted names in a non-Latin CoT) left
 * out of both counts. Optional shaping: min(1, ratio / tau).
 * How words are found and labelled: lib/language/count-words.ts.
 */
import { countWords } from './lib/language/count-words.ts';
import { ELD_LATIN } from './lib/language/languages.ts';
import { loadIdentifier } from './lib/language/latin-identifier.ts';
import { resolveTarget } from './lib/language/resolve-target.ts';
import { splitThink } from './lib/text/split-think.ts';
import { defineReward } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    target: {
      type: 'string',
      default: 'same_as_prompt',
      description: "ISO 639-1 code (en, zh, es, ...) or 'same_as_prompt'; a group's metadata.language overrides it",
    },
    scope: { enum: ['think', 'think+answer', 'answer'], default: 'think', description: 'Which part of the completion is counted' },
    prefilled_think: { type: 'boolean', default: false, description: 'The chat template already emitted `<think>`' },
    min_words: { type: 'integer', minimum: 1, default: 1, description: 'Fewer non-neutral words than this scores 0 (an empty CoT cannot score)' },
    tau: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Shaping: score = min(1, ratio / tau); 1 = the plain ratio' },
  },
} as const;

interface Params {
  target: string;
  scope: 'think' | 'think+answer' | 'answer';
  prefilled_think: boolean;
  min_words: number;
  tau: number;
}

export const reward = defineReward<Params>({
  id: 'language-consistency',
  version: 2,
  description:
    'DeepSeek-R1 language consistency: share of the chain-of-thought words that are in the target language (numbers, variables, acronyms and quoted names are neutral).',
  paramsSchema,
  range: [0, 1],
  examples: [
    { name: 'English reasoning for an English target', sample: { completion: '<think>Add the two numbers, then halve the sum.</think> 4' }, params: { target: 'en' }, expected: 1 },
    {
      name: 'Chinese reasoning drifting into English: 4 of 8 words are Chinese',
      sample: { completion: '<think>我们先计算总和。Wait, recheck this again.</think> 4' },
      params: { target: 'zh' },
      expected: 0.5,
    },
    {
      name: 'numbers, variables and a quoted name are neutral in a Chinese CoT',
      sample: { completion: '<think>根据Pythagoras定理，x等于5。</think> 5' },
      params: { target: 'zh' },
      expected: 1,
    },
    {
      name: "the target follows the prompt's language",
      sample: { prompt: '计算两个数的和', completion: '<think>先把两个数相加。</think> 4' },
      expected: 1,
    },
    { name: 'an empty chain of thought cannot score', sample: { completion: '<think></think> 4' }, params: { target: 'en' }, expected: 0, reason: 'too_few_words' },
    { name: 'no target can be resolved: not scored', sample: { completion: '<think>hi</think>' }, expected: null, reason: 'no_target' },
  ],
  async score(sample, params) {
    const resolved = await resolveTarget(params.target, sample.metadata, sample.prompt);
    if ('reason' in resolved) return { score: null, reason: resolved.reason, details: resolved.details };
    const { target } = resolved;
    const { think, answer } = splitThink(sample.completion, params.prefilled_think);
    const text = params.scope === 'think' ? think : params.scope === 'answer' ? answer : `${think}\n${answer}`;
    const perSentence = target.script === 'Latin' && target.code !== 'en' && ELD_LATIN.has(target.code);
    const identify = perSentence ? await loadIdentifier(target.code) : undefined;
    const counts = countWords(text, target, identify);
    const words = counts.target + counts.foreign;
    const ratio = words === 0 ? 0 : counts.target / words;
    const details = {
      target: target.code,
      scope: params.scope,
      method: perSentence ? 'script+sentence-id' : 'script',
      ratio,
      words: counts.byLanguage,
      neutral: counts.neutral,
    };
    if (words < params.min_words) return { score: 0, reason: 'too_few_words', details };
    return { score: Math.min(1, ratio / params.tau), details };
  },
});
