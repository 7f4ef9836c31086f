/**
 * The language a completion should think in, and where it came from
 * (`details.target_source`), first found of:
 * 1. `metadata`: the group's `metadata.language`;
 * 2. `param`: the rule's `target`, when it is a language code;
 * 3. `prompt`: with `target: 'same_as_prompt'`, the prompt's language when
 *    the prompt carries enough evidence (promptLanguage below);
 * 4. `default_language`: the rule's param;
 * 5. `batch`: the dominant language of the request's prompts (a language
 *    more than half of the prompts with enough evidence are in).
 * Nothing found is a reason (`no_target`), never a guess.
 * Synchronous, and needs loadDetector() to have resolved: see language-consistency.ts.
 */
import { TwoGenerationCache } from '../text/two-generation-cache.ts';
import { countUnspaced } from './count-words.ts';
import { hanLabels } from './han-context.ts';
import { detectorLoaded, loadDetector, scoreWords } from './identify.ts';
import { IDENTIFIED_SCRIPTS, LANGUAGE_SCRIPT, normalizeLanguage, scriptLabel } from './languages.ts';
import { proseSentences, type Target } from './prose-words.ts';

type TargetSource = 'metadata' | 'param' | 'prompt' | 'default_language' | 'batch';

export type Resolved = { target: Target; source: TargetSource } | { reason: 'no_target' | 'unsupported_target'; details: Record<string, unknown> };

export interface TargetRequest {
  target: string;
  default_language?: string;
  metadata?: Record<string, unknown>;
  prompt?: string;
  /** The request's dominant prompt language, when the machinery computed one. */
  batchLanguage?: string;
}

export function resolveTarget(request: TargetRequest): Resolved {
  const fromMetadata = typeof request.metadata?.language === 'string' ? request.metadata.language : undefined;
  if (fromMetadata !== undefined) return known(fromMetadata, 'metadata');
  if (request.target !== 'same_as_prompt') return known(request.target, 'param');
  const fromPrompt = request.prompt ? promptLanguage(request.prompt) : undefined;
  if (fromPrompt) return known(fromPrompt, 'prompt');
  if (request.default_language !== undefined) return known(request.default_language, 'default_language');
  if (request.batchLanguage) return known(request.batchLanguage, 'batch');
  const why = request.prompt ? 'the prompt has too few words to tell its language' : 'no prompt';
  return { reason: 'no_target', details: { target: request.target, message: `${why}; send metadata.language or set default_language` } };
}

function known(raw: string, source: TargetSource): Resolved {
  const code = normalizeLanguage(raw);
  if (!code) return { reason: 'unsupported_target', details: { target: raw, target_source: source } };
  return { target: { code, script: LANGUAGE_SCRIPT[code] }, source };
}

/** Fewest words of the prompt's main language that tell it: "Hi" or "What is 2+2?" do not. */
const MIN_PROMPT_WORDS = 3;
const NO_TARGET: Target = { code: '', script: '' };
/** The runner-up's score may be at most this share of the winner's. */
const PROMPT_MARGIN = 0.95;

/**
 * The prompt's language when its words say it: the language holding most of
 * its words (code and math left out), with at least 3 words and more than
 * half of all words; in a shared script (Latin, Cyrillic, Arabic,
 * Devanagari), eld's score for those words must also lead every other
 * language of the script by 5 % ("Сколько будет два плюс два?" is as
 * Ukrainian as it is Russian: no evidence). Needs loadDetector() first.
 * Remembered per prompt, as a group's completions share their prompt. For a
 * prompt with more than 800 characters of unspaced script, countUnspaced's
 * sample depends on the runs counted before: the first answer is kept.
 */
export function promptLanguage(prompt: string): string | undefined {
  if (prompt.length > MAX_REMEMBERED_PROMPT_CHARS) {
    if (lastLongPrompt.prompt !== prompt) lastLongPrompt = { prompt, language: readPromptLanguage(prompt) ?? '' };
    return lastLongPrompt.language || undefined;
  }
  let language = promptLanguages.get(prompt);
  if (language === undefined) promptLanguages.set(prompt, (language = readPromptLanguage(prompt) ?? ''));
  return language || undefined;
}

/** Prompts read, two generations of this many: a worker scores a group's completions, and often several groups, in a row. */
const PROMPTS_PER_GENERATION = 128;
/** Longest prompt the memo holds, in characters (256 of them stay under 10 MB); a longer one is remembered only until the next. */
const MAX_REMEMBERED_PROMPT_CHARS = 20_000;
/** Prompt -> its language, '' for none. */
const promptLanguages = new TwoGenerationCache<string>(PROMPTS_PER_GENERATION);
let lastLongPrompt = { prompt: '', language: '' };

function readPromptLanguage(prompt: string): string | undefined {
  const sentences = proseSentences(prompt, NO_TARGET);
  countUnspaced(sentences);
  const han = hanLabels(sentences);
  const byLabel = new Map<string, number>();
  const shared = new Map<string, string[]>();
  let total = 0;
  sentences.forEach((sentence, si) => {
    for (const word of sentence.words) {
      total += word.count;
      if (IDENTIFIED_SCRIPTS[word.script]) {
        const words = shared.get(word.script) ?? [];
        shared.set(word.script, words);
        words.push(word.text);
        continue;
      }
      const label = word.script === 'CJK' ? han[si] : scriptLabel(word.script);
      byLabel.set(label, (byLabel.get(label) ?? 0) + word.count);
    }
  });
  for (const [script, words] of shared) byLabel.set(script, words.length);
  const [label, words] = [...byLabel].reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['', 0]);
  if (words < MIN_PROMPT_WORDS || words * 2 <= total) return undefined;
  const sharedWords = shared.get(label);
  if (!sharedWords) return normalizeLanguage(label);
  return scoreWords(sharedWords, label).clearWinner(PROMPT_MARGIN) || undefined;
}

const MAX_BATCH_PROMPTS = 64;
const MAX_PROMPT_CHARS = 2_000; // of each prompt read: plenty to identify a language, and the HTTP process runs this

/**
 * The dominant language of a request's prompts: the language more than half
 * of those with enough evidence are in. At most 64 distinct prompts are
 * read, evenly spaced, each up to its first 2,000 characters (cut at a
 * space), so a large request costs a bounded time in the HTTP process.
 */
export async function dominantPromptLanguage(prompts: readonly string[]): Promise<{ language?: string; prompts: number; identified: number }> {
  const distinct = [...new Set(prompts)];
  const step = Math.max(1, distinct.length / MAX_BATCH_PROMPTS);
  const read: string[] = [];
  for (let at = 0; at < distinct.length && read.length < MAX_BATCH_PROMPTS; at += step) read.push(headOf(distinct[Math.floor(at)]));
  if (!detectorLoaded()) await loadDetector();
  const votes = new Map<string, number>();
  let identified = 0;
  for (const prompt of read) {
    const language = promptLanguage(prompt);
    if (!language) continue;
    identified++;
    votes.set(language, (votes.get(language) ?? 0) + 1);
  }
  const [top, count] = [...votes].reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['', 0]);
  return { language: count * 2 > identified ? top : undefined, prompts: read.length, identified };
}

/** The first MAX_PROMPT_CHARS characters of a prompt, without the word they may cut. */
function headOf(prompt: string): string {
  if (prompt.length <= MAX_PROMPT_CHARS) return prompt;
  const head = prompt.slice(0, MAX_PROMPT_CHARS);
  const space = head.search(/\s\S*$/);
  return space > 0 ? head.slice(0, space) : head;
}
