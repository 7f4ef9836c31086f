/**
 * The language and text rules in-process (one core, the rule alone):
 * language-consistency on a 4,000-token chain of thought (English, Chinese,
 * Spanish with English drift; ~4 characters per token for the Latin
 * scripts, ~1.4 for Chinese, as BPE tokenizers give), median and p90 over
 * warm runs against the budgets; then cells/s for every text rule
 * on a ~300-word completion.
 */
import { reward as cosineLength } from '../rewards/cosine-length.ts';
import { reward as languageConsistency } from '../rewards/language-consistency.ts';
import { reward as length } from '../rewards/length.ts';
import { reward as multipleChoice } from '../rewards/multiple-choice.ts';
import { reward as overlongPenalty } from '../rewards/overlong-penalty.ts';
import { reward as regexMatch } from '../rewards/regex-match.ts';
import { reward as repetitionPenalty } from '../rewards/repetition-penalty.ts';
import { reward as stringCheck } from '../rewards/string-check.ts';
import { reward as textSimilarity } from '../rewards/text-similarity.ts';
import type { RewardDefinition, Sample } from '../rewards/types.ts';
import { fmt, percentile } from './lib.ts';

const WARM = 30;
const RUNS = 300;
const ctx = { deadline: Number.MAX_SAFE_INTEGER };

const EN = [
  'First, we compute the sum of $a$ and $b$, which gives $a+b=12$.',
  'Wait, let me double-check the arithmetic: 5 + 7 = 12, so that part is right.',
  'Then we multiply the result by three and subtract the GCD of 12 and 18.',
  'By the Pythagorean theorem, \\(c^2 = a^2 + b^2\\), hence c is 13 when a is 5 and b is 12.',
  'Hmm, I should verify this with a quick script:\n```python\nprint(5**2 + 12**2)\n```\nwhich prints 169.',
];
const ZH = [
  '首先，我们计算$a$和$b$的和，得到$a+b=12$。',
  '等一下，让我再检查一下算术：5 + 7 = 12，这一步是对的。',
  '然后我们把结果乘以三，再减去12和18的GCD。',
  '根据Pythagoras定理，\\(c^2 = a^2 + b^2\\)，所以当a等于5、b等于12时，c等于13。',
  'Wait, let me verify this again.',
];
const ES = [
  'Primero, calculamos la suma de $a$ y $b$, lo que da $a+b=12$.',
  'Espera, déjame revisar la aritmética otra vez: 5 + 7 = 12, así que está bien.',
  'Luego multiplicamos el resultado por tres y restamos el máximo común divisor.',
  'Por el teorema de Pitágoras, \\(c^2 = a^2 + b^2\\), entonces c es 13.',
  'Wait, let me check this step again before moving on.',
];

function chainOfThought(sentences: string[], chars: number): string {
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${sentences[i % sentences.length]} `;
  return `<think>${text.slice(0, chars)}</think>\nThe answer is \\boxed{13}.`;
}

async function timeCell(rule: RewardDefinition, sample: Sample, params: Record<string, unknown>): Promise<number[]> {
  for (let i = 0; i < WARM; i++) await rule.score(sample, params, ctx);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await rule.score(sample, params, ctx);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const languageParams = { scope: 'think', prefilled_think: false, min_words: 1, tau: 1 };
const cases: Array<[string, string, string, number]> = [
  ['English', 'en', chainOfThought(EN, 16_000), 5],
  ['Chinese', 'zh', chainOfThought(ZH, 5_600), 5],
  ['Spanish (eld per sentence)', 'es', chainOfThought(ES, 16_000), 15],
];

console.log('language-consistency, 4,000-token CoT (in-process, warm, ms)');
console.log('target                      chars   median   p90   budget  score');
for (const [name, target, completion, budget] of cases) {
  const params = { ...languageParams, target };
  const times = await timeCell(languageConsistency, { completion }, params);
  const result = await languageConsistency.score({ completion }, params, ctx);
  const med = percentile(times, 50);
  const verdict = med <= budget ? 'ok' : 'OVER';
  console.log(`${name.padEnd(27)} ${String(completion.length).padStart(6)} ${fmt(med, 2).padStart(7)} ${fmt(percentile(times, 90), 2).padStart(6)}   <=${budget} ${verdict}  ${fmt(result.score ?? NaN, 3)}`);
}

const answer = 'Paris is the capital of France, and it has been since the tenth century. ';
const completion = `<think>${EN.join(' ').repeat(8)}</think>\n${answer.repeat(3)}Answer: C`;
const group = { completions: [completion, completion.slice(0, 500), completion.slice(0, 900)], index: 0, num_tokens: [700, 120, 220] };
const rules: Array<[RewardDefinition, Sample, Record<string, unknown>]> = [
  [cosineLength, { completion, verdicts: { acc: 1 } }, { correct_from: 'acc', correct_threshold: 1, min_value_wrong: -1, max_value_wrong: -0.5, min_value_correct: 0.5, max_value_correct: 1, max_len: 1000, unit: 'chars', clip_length: true }],
  [length, { completion, group, verdicts: { acc: 1 } }, { correct_from: 'acc', correct_threshold: 1, unit: 'chars' }],
  [overlongPenalty, { completion }, { max_completion_len: 20480, soft_punish_cache: 4096, require_tokens: false }],
  [repetitionPenalty, { completion }, { ngram_size: 3, max_penalty: -1, units: 'auto' }],
  [stringCheck, { completion, reference: 'paris' }, { operation: 'ilike', scope: 'answer', trim: true }],
  [regexMatch, { completion }, { pattern: String.raw`Answer:\s*[A-D]`, flags: '', full_match: false, scope: 'answer', max_input_chars: 100_000 }],
  [multipleChoice, { completion, reference: 'C' }, { letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', scope: 'answer' }],
  ...['fuzzy_match', 'bleu', 'gleu', 'meteor', 'rouge_2', 'rouge_l'].map(
    (metric): [RewardDefinition, Sample, Record<string, unknown>] => [textSimilarity, { completion, reference: answer.repeat(3) }, { evaluation_metric: metric, scope: 'answer', max_input_chars: 100_000 }],
  ),
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
