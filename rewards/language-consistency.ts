/**
 * DeepSeek-R1's language-consistency reward (DeepSeek-R1 paper, section
 * 2.3.3): "the proportion of target language words in the CoT",
 * Num(words in the target language) / Num(words), with neutral tokens
 * (numbers, variables, formulas, code, acronyms and quoted names in a
 * non-Latin CoT) left out of both counts. Optional shaping: min(1, ratio / tau).
 * Where the target comes from: lib/language/resolve-target.ts; how words are
 * found and labelled: lib/language/prose-words.ts and count-words.ts.
 */
import { countWords } from './lib/language/count-words.ts';
import { detectorLoaded, loadDetector } from './lib/language/identify.ts';
import { dominantPromptLanguage, resolveTarget } from './lib/language/resolve-target.ts';
import { splitThink } from './lib/text/split-think.ts';
import { defineReward, type Sample, type ScoreResult } from './types.ts';

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    target: {
      type: 'string',
      default: 'same_as_prompt',
      description:
        "ISO 639-1 code (en, zh, es, ...) or 'same_as_prompt' (the prompt's language when it has at least 3 words that tell it, else default_language, else the request's dominant prompt language); a group's metadata.language overrides it",
    },
    default_language: {
      type: 'string',
      minLength: 2,
      description: 'With \'same_as_prompt\': the target when the prompt cannot tell its language (too short: "Hi")',
    },
    scope: { enum: ['think', 'think+answer', 'answer'], default: 'think', description: 'Which part of the completion is counted' },
    prefilled_think: { type: 'boolean', default: false, description: 'The chat template already emitted `<think>`' },
    min_words: { type: 'integer', minimum: 1, default: 1, description: 'Fewer non-neutral words than this scores 0 (an empty CoT cannot score)' },
    tau: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Shaping: score = min(1, ratio / tau); 1 = the plain ratio' },
  },
} as const;

interface Params {
  target: string;
  default_language?: string;
  scope: 'think' | 'think+answer' | 'answer';
  prefilled_think: boolean;
  min_words: number;
  tau: number;
}

/** Word counts in details: whole words, though runs past the segmenting budget are estimated in fractions. */
const rounded = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.round(v)]));

export const reward = defineReward<Params>({
  id: 'language-consistency',
  version: 3,
  description:
    'DeepSeek-R1 language consistency: share of the chain-of-thought words that are in the target language, word by word for every target (numbers, formulas, code, acronyms and quoted names are neutral).',
  paramsSchema,
  range: [0, 1],
  examples: [
    {
      name: 'English reasoning for an English target',
      sample: { completion: '<think>Add the two numbers, then halve the sum.</think> 4' },
      params: { target: 'en' },
      expected: 1,
    },
    {
      name: 'an English target: a Spanish sentence is drift, 6 of 12 words are English',
      sample: { completion: '<think>First we add the two numbers. Luego dividimos la suma entre dos.</think> 4' },
      params: { target: 'en' },
      expected: 0.5,
    },
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
    {
      name: 'a prompt too short to tell its language falls back to default_language',
      sample: { prompt: 'Hi', completion: '<think>Hola, ¿en qué puedo ayudarte hoy?</think> Hola' },
      params: { default_language: 'en' },
      expected: 0,
    },
    {
      name: 'an empty chain of thought cannot score',
      sample: { completion: '<think></think> 4' },
      params: { target: 'en' },
      expected: 0,
      reason: 'too_few_words',
    },
    { name: 'no target can be resolved: not scored', sample: { prompt: 'Hi', completion: '<think>hi</think>' }, expected: null, reason: 'no_target' },
  ],
  async batchContext(groups, params) {
    if (params.target !== 'same_as_prompt' || params.default_language !== undefined) return undefined;
    if (groups.every((g) => typeof g.metadata?.language === 'string')) return undefined;
    const prompts = groups.map((g) => g.prompt).filter((p): p is string => typeof p === 'string');
    const { language } = await dominantPromptLanguage(prompts);
    return language ? { prompt_language: language } : undefined;
  },
  score(sample, params) {
    // Synchronous once eld is loaded (the first cell of a worker loads it): a cell that returns a promise
    // costs its worker more than this rule's own work, as src/pool/worker.ts re-arms its SIGINT
    // watchdog after every awaited cell (`npm run bench:http`, CPU per 1,000 completions).
    return detectorLoaded() ? scoreCell(sample, params) : loadDetector().then(() => scoreCell(sample, params));
  },
});

function scoreCell(sample: Sample, params: Params): ScoreResult {
  const batchLanguage = typeof sample.batch?.prompt_language === 'string' ? sample.batch.prompt_language : undefined;
  const resolved = resolveTarget({ ...params, metadata: sample.metadata, prompt: sample.prompt, batchLanguage });
  if ('reason' in resolved) return { score: null, reason: resolved.reason, details: resolved.details };
  const { target, source } = resolved;
  const { think, answer } = splitThink(sample.completion, params.prefilled_think);
  const text = params.scope === 'think' ? think : params.scope === 'answer' ? answer : `${think}\n${answer}`;
  const counts = countWords(text, target);
  const words = counts.target + counts.foreign;
  const ratio = words === 0 ? 0 : counts.target / words;
  const details: Record<string, unknown> = {
    target: target.code,
    target_source: source,
    scope: params.scope,
    method: counts.method,
    ratio,
    words: rounded(counts.byLanguage),
    neutral: counts.neutral,
  };
  if (counts.transliterated > 0) details.transliterated = counts.transliterated;
  if (words < params.min_words) return { score: 0, reason: 'too_few_words', details };
  return { score: Math.min(1, ratio / params.tau), details };
}
