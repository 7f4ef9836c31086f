/**
 * The language and text rules in-process (one core, the rule alone).
 * First language-consistency on a 4,000-token chain of thought in each of
 * the 14 languages of its corpus: the language's sentences
 * (tests/fixtures/language-segments.ts) with an English sentence every ten,
 * code and a formula every fifteen, cut at 4,000 tokens by a generous
 * characters-per-token figure (BPE tokenizers give about 4 for Latin
 * scripts, 1.4 to 2 for Chinese, Japanese and Korean; longer text is more
 * work, so the figures err long). CPU ms per chain of thought
 * (process.cpuUsage over 200 runs), warm (the worker's word scores and
 * segment counts remembered from earlier cells, the steady state of
 * training) and cold (forgotten before each run: every word seen for the
 * first time), printed beside the 3 ms goal, with the fastest warm run's
 * wall time: what a run costs when no other process competes for the core.
 * Then cells/s for every text rule on a ~300-word completion, and the cost of
 * the long inputs the tests score without timing them (a 20k-character
 * fuzzy_match, a catastrophic pattern over 100k characters). Last,
 * language-consistency with target same_as_prompt over training steps of
 * 64 new prompts x 16 completions: CPU ms per step, prompts read once each.
 */
import { reward as cosineLength } from '../rewards/cosine-length.ts';
import { reward as languageConsistency } from '../rewards/language-consistency.ts';
import { reward as length } from '../rewards/length.ts';
import { forgetWordScores, loadDetector } from '../rewards/lib/language/identify.ts';
import { forgetSegmentCounts } from '../rewards/lib/text/unspaced.ts';
import { reward as multipleChoice } from '../rewards/multiple-choice.ts';
import { reward as overlongPenalty } from '../rewards/overlong-penalty.ts';
import { reward as regexMatch } from '../rewards/regex-match.ts';
import { reward as repetitionPenalty } from '../rewards/repetition-penalty.ts';
import { reward as stringCheck } from '../rewards/string-check.ts';
import { reward as textSimilarity } from '../rewards/text-similarity.ts';
import type { RewardDefinition, Sample } from '../rewards/types.ts';
import { CODE, MATH, PROSE } from '../tests/fixtures/language-segments.ts';
import { fmt, percentile } from './lib.ts';

const WARM = 30;
const RUNS = 200;
const GOAL_MS = 3;
const TOKENS = 4000;
const ctx = { deadline: Number.MAX_SAFE_INTEGER };

/** Characters per token, erring long. */
const CHARS_PER_TOKEN: Record<string, number> = { zh: 1.5, ja: 1.6, ko: 2.2, th: 3, hi: 3.5, ar: 4, fa: 4, ru: 4.5 };

function chainOfThought(lang: string): string {
  const chars = TOKENS * (CHARS_PER_TOKEN[lang] ?? 4.5);
  const own = PROSE[lang];
  let text = '';
  for (let i = 0; text.length < chars; i++) {
    if (i % 10 === 9) text += `${PROSE[lang === 'en' ? 'es' : 'en'][i % 20]}\n`;
    if (i % 15 === 14) text += `${CODE[i % CODE.length]}\n${MATH[i % MATH.length]}\n`;
    text += `${own[i % own.length]}${i % 3 === 2 ? '\n' : ' '}`;
  }
  return `<think>${text.slice(0, chars)}</think>\nThe answer is \\boxed{13}.`;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Mean CPU ms per run, and the fastest run's wall ms (the cost without the contention of a shared machine). */
async function cpuPerRun(run: () => unknown, before: () => void = () => {}): Promise<{ cpu: number; best: number }> {
  for (let i = 0; i < WARM; i++) {
    before();
    await run();
  }
  let total = 0;
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    before();
    const started = cpuMs();
    const wall = performance.now();
    await run();
    best = Math.min(best, performance.now() - wall);
    total += cpuMs() - started;
  }
  return { cpu: total / RUNS, best };
}

await loadDetector();
const languages = ['en', 'es', 'fr', 'de', 'pt', 'it', 'zh', 'ja', 'ko', 'ru', 'ar', 'fa', 'th', 'hi'];
const languageParams = { scope: 'think', prefilled_think: false, min_words: 1, tau: 1 };
console.log(
  `language-consistency, ${TOKENS}-token chain of thought, CPU ms per chain of thought (in-process, mean of ${RUNS} runs; best: fastest run, wall ms)`,
);
console.log('target  chars   warm   best   cold   goal       score');
for (const lang of languages) {
  const completion = chainOfThought(lang);
  const params = { ...languageParams, target: lang };
  const score = () => languageConsistency.score({ completion }, params as never, ctx);
  const warm = await cpuPerRun(score);
  const cold = await cpuPerRun(score, () => {
    forgetWordScores();
    forgetSegmentCounts();
  });
  const result = await score();
  const verdict = warm.cpu <= GOAL_MS ? 'ok' : 'OVER';
  const row = [fmt(warm.cpu, 2), fmt(warm.best, 2), fmt(cold.cpu, 2)].map((v) => v.padStart(6)).join(' ');
  console.log(`${lang.padEnd(6)} ${String(completion.length).padStart(6)} ${row}   <=${GOAL_MS} ${verdict.padEnd(4)}  ${fmt(result.score ?? NaN, 3)}`);
}

async function timeCell(rule: RewardDefinition, sample: Sample, params: Record<string, unknown>, runs = RUNS): Promise<number[]> {
  for (let i = 0; i < WARM; i++) await rule.score(sample, params, ctx);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await rule.score(sample, params, ctx);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const EN = PROSE.en.slice(0, 8);
const answer = 'Paris is the capital of France, and it has been since the tenth century. ';
const completion = `<think>${EN.join(' ').repeat(4)}</think>\n${answer.repeat(3)}Answer: C`;
const group = { completions: [completion, completion.slice(0, 500), completion.slice(0, 900)], index: 0, num_tokens: [700, 120, 220] };
const rules: Array<[RewardDefinition, Sample, Record<string, unknown>]> = [
  [
    cosineLength,
    { completion, verdicts: { acc: 1 } },
    {
      correct_from: 'acc',
      correct_threshold: 1,
      min_value_wrong: -1,
      max_value_wrong: -0.5,
      min_value_correct: 0.5,
      max_value_correct: 1,
      max_len: 1000,
      unit: 'chars',
      clip_length: true,
    },
  ],
  [length, { completion, group, verdicts: { acc: 1 } }, { correct_from: 'acc', correct_threshold: 1, unit: 'chars' }],
  [overlongPenalty, { completion }, { max_completion_len: 20480, soft_punish_cache: 4096, require_tokens: false }],
  [repetitionPenalty, { completion }, { ngram_size: 3, max_penalty: -1, units: 'auto', mask_numbers: true }],
  [stringCheck, { completion, reference: 'paris' }, { operation: 'ilike', scope: 'answer', trim: true }],
  [regexMatch, { completion }, { pattern: String.raw`Answer:\s*[A-D]`, flags: '', full_match: false, scope: 'answer', max_input_chars: 100_000 }],
  [multipleChoice, { completion, reference: 'C' }, { letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', scope: 'answer' }],
  ...['fuzzy_match', 'bleu', 'gleu', 'meteor', 'rouge_2', 'rouge_l'].map((metric): [RewardDefinition, Sample, Record<string, unknown>] => [
    textSimilarity,
    { completion, reference: answer.repeat(3) },
    { evaluation_metric: metric, scope: 'answer', max_input_chars: 100_000 },
  ]),
  [languageConsistency, { completion }, { ...languageParams, target: 'en' }],
];

console.log(`\nper rule, one ${completion.length}-character completion (in-process, warm)`);
console.log('rule                               median ms   cells/s');
for (const [rule, sample, params] of rules) {
  const times = await timeCell(rule, sample, params);
  const label = rule.id === 'text-similarity' ? `text-similarity ${String(params.evaluation_metric)}` : rule.id;
  const total = times.reduce((a, b) => a + b, 0);
  console.log(`${label.padEnd(34)} ${fmt(percentile(times, 50), 3).padStart(9)} ${fmt((1000 * RUNS) / total, 0).padStart(9)}`);
}

// tests/text-similarity.test.ts and tests/text-string-rules.test.ts score these without timing them.
const LONG_RUNS = 20;
const lorem = 'lorem ipsum dolor sit amet '.repeat(750);
const abs = 'ab '.repeat(33_000);
const catastrophic = { pattern: String.raw`(\w+\s?)*end$`, flags: '', full_match: false, scope: 'answer', max_input_chars: 100_000 };
const long: Array<[string, RewardDefinition, Sample, Record<string, unknown>]> = [
  [
    'text-similarity fuzzy_match, 20k chars',
    textSimilarity,
    { completion: lorem, reference: lorem.replace(/o/g, '0') },
    { evaluation_metric: 'fuzzy_match', scope: 'answer', max_input_chars: 100_000 },
  ],
  ['regex-match (\\w+\\s?)*end$, 100k, match', regexMatch, { completion: `${abs}end` }, catastrophic],
  ['regex-match (\\w+\\s?)*end$, 100k, none', regexMatch, { completion: `${abs}en!` }, catastrophic],
];
console.log(`\nlong inputs (in-process, warm, ${LONG_RUNS} runs)`);
console.log('input                                        median ms');
for (const [label, rule, sample, params] of long) {
  const times = await timeCell(rule, sample, params, LONG_RUNS);
  console.log(`${label.padEnd(44)} ${fmt(percentile(times, 50), 2).padStart(9)}`);
}

// With target same_as_prompt every cell reads its prompt's language; a group's completions share that prompt.
const PROMPTS = 64;
const GROUP_SIZE = 16;
const STEPS = 15;

/** One step of training: 64 new prompts (6 sentences, the 14 languages in turn), 16 completions of 20 sentences each. */
function trainingStep(step: number): Sample[] {
  const samples: Sample[] = [];
  for (let p = 0; p < PROMPTS; p++) {
    const own = PROSE[languages[p % languages.length]];
    const prompt = `${step * PROMPTS + p}. ${Array.from({ length: 6 }, (_, k) => own[(p + k) % own.length]).join(' ')}`;
    for (let c = 0; c < GROUP_SIZE; c++) {
      const thought = Array.from({ length: 20 }, (_, k) => own[(p * 3 + c + k * 7) % own.length]).join(' ');
      samples.push({ prompt, completion: `<think>${thought}</think> 4` });
    }
  }
  return samples;
}

const promptParams = { ...languageParams, target: 'same_as_prompt' };
const stepCpu: number[] = [];
for (let step = 0; step < WARM / 10 + STEPS; step++) {
  const samples = trainingStep(step);
  const started = cpuMs();
  for (const sample of samples) await languageConsistency.score(sample, promptParams as never, ctx);
  if (step >= WARM / 10) stepCpu.push(cpuMs() - started);
}
stepCpu.sort((a, b) => a - b);
console.log(`\nlanguage-consistency, target same_as_prompt: ${PROMPTS} new prompts x ${GROUP_SIZE} completions (in-process, warm, median of ${STEPS} steps)`);
console.log(`CPU ms per step ${fmt(percentile(stepCpu, 50), 1)}, per cell ${fmt(percentile(stepCpu, 50) / (PROMPTS * GROUP_SIZE), 3)}`);
