/**
 * Language identification inside one script with eld (extrasmall database:
 * 60 languages, loaded once per process, by its first language-consistency
 * cell, or the first request whose prompts need identifying). eld scores
 * a text as a sum over the byte n-grams of its words, so the score of a run
 * of words is the sum of its words' scores: each distinct word is
 * scored once by eld and remembered (two generations of 20,000 words), and a
 * sentence, a clause or a whole text is then scored by adding vectors, at
 * a fraction of eld's cost on the running text. eld was the most accurate
 * and the fastest of the identifiers compared (bench/language-detectors.ts).
 */
import { TwoGenerationCache } from '../text/two-generation-cache.ts';
import { IDENTIFIED_SCRIPTS } from './languages.ts';

export interface Detector {
  detect(text: string): { language: string; getScores(): Record<string, number> };
}

/** eld's scale: a language's reported score is x / (x + 25), x = raw score / n-grams (LanguageResult.orderAndScale). */
const ELD_SCALE = 25;
/**
 * A text whose raw target score is this close to the winner's counts as the
 * target: Russian read as Bulgarian, Spanish as Catalan. Raw, not eld's
 * reported scores, which x / (x + 25) squeezes so that Ukrainian comes
 * within 2 % of Russian and Arabic within 5 % of Persian. Three or four
 * words are weak evidence ("calculamos la suma" leans Romanian), so there
 * the target needs only three quarters of the winner's score.
 */
function nearTarget(words: number): number {
  return words < 5 ? 0.75 : 0.94;
}

let loading: Promise<Detector> | undefined;
let detector: Detector | undefined;

export function loadDetector(): Promise<Detector> {
  loading ??= import('eld/extrasmall').then((m) => (detector = m.eld as Detector));
  return loading;
}

/** Whether loadDetector() has resolved, so that identifying can run synchronously. */
export const detectorLoaded = (): boolean => detector !== undefined;

/** Scores of a run of words over the languages of one script, with the n-gram count that scales them. */
export class ScriptScores {
  /** A plain array: allocating a typed array per sentence costs more than the additions it speeds up. */
  readonly raw: number[];
  ngrams = 0;
  words = 0;
  constructor(readonly languages: readonly string[]) {
    this.raw = new Array<number>(languages.length).fill(0);
  }

  add(other: ScriptScores): void {
    for (let i = 0; i < this.raw.length; i++) this.raw[i] += other.raw[i];
    this.ngrams += other.ngrams;
    this.words += other.words;
  }

  /** Adds another run's scores weighted per n-gram, so a short run counts as much as a long one. */
  addProfile(other: ScriptScores): void {
    if (other.ngrams === 0) return;
    for (let i = 0; i < this.raw.length; i++) this.raw[i] += other.raw[i] / other.ngrams;
    this.ngrams += 1;
    this.words += other.words;
  }

  /** The most likely language when no other comes within `margin` of it (0.9: 10 % ahead), else ''. */
  clearWinner(margin: number): string {
    const order = [...this.raw.keys()].sort((a, b) => this.raw[b] - this.raw[a]);
    const [best, second] = order;
    if (!(this.raw[best] > 0) || (second !== undefined && this.raw[second] > margin * this.raw[best])) return '';
    return this.languages[best];
  }

  /** Within a sentence labelled `sentence`: that label unless another language's score here is more than 1 / `margin` times its own. */
  labelWithin(sentence: string, target: string, margin: number): string {
    const s = this.languages.indexOf(sentence);
    const label = this.label(target);
    if (s < 0 || label === '' || label === sentence) return label || sentence;
    const best = this.languages.indexOf(this.label(''));
    return this.raw[s] >= margin * this.raw[best] ? sentence : label;
  }

  /** The most likely language, the target when it is near enough (nearTarget); '' when no language scored. */
  label(target: string): string {
    let best = -1;
    for (let i = 0; i < this.raw.length; i++) if (this.raw[i] > 0 && (best < 0 || this.raw[i] > this.raw[best])) best = i;
    if (best < 0) return '';
    const t = this.languages.indexOf(target);
    if (t >= 0 && t !== best && this.raw[t] >= nearTarget(this.words) * this.raw[best]) return target;
    return this.languages[best];
  }
}

interface WordScore {
  raw: Float64Array;
  ngrams: number;
}

/** Word -> its eld scores, per script; two generations so a long run of training keeps its common words. */
const generations = new Map<string, TwoGenerationCache<WordScore>>();
const WORDS_PER_GENERATION = 20_000;
const LETTERS = /\p{L}+/gu;
const encoder = new TextEncoder();

/** Empties the remembered word scores: what a benchmark of first-sight cost needs. */
export function forgetWordScores(): void {
  generations.clear();
}

/** Scores a run of words of one script, word by word, from `start` to `end`. Needs loadDetector() first. */
export function scoreWords(words: ReadonlyArray<string | { text: string }>, script: string, start = 0, end = words.length): ScriptScores {
  const languages = IDENTIFIED_SCRIPTS[script];
  const scores = new ScriptScores(languages);
  const cache = cacheOf(script);
  const raw = scores.raw;
  for (let w = start; w < end; w++) {
    const item = words[w];
    const word = typeof item === 'string' ? item : item.text;
    const score = cache.get(word) ?? remember(cache, word, languages);
    const add = score.raw;
    for (let i = 0; i < add.length; i++) raw[i] += add[i];
    scores.ngrams += score.ngrams;
    scores.words++;
  }
  return scores;
}

function cacheOf(script: string): TwoGenerationCache<WordScore> {
  let cache = generations.get(script);
  if (!cache) generations.set(script, (cache = new TwoGenerationCache(WORDS_PER_GENERATION)));
  return cache;
}

/** The scores of a word not remembered, computed and remembered. */
function remember(cache: TwoGenerationCache<WordScore>, word: string, languages: readonly string[]): WordScore {
  const score = computeWordScore(word, languages);
  cache.set(word, score);
  return score;
}

/** A word's scores: the sum over its letter runs, as eld splits on anything but letters (Devanagari vowel signs too). */
function computeWordScore(word: string, languages: readonly string[]): WordScore {
  const total: WordScore = { raw: new Float64Array(languages.length), ngrams: 0 };
  // eld lower-cases what it reads; the cache keeps each spelling ("The", "the") apart, which costs less than lower-casing every word.
  for (const [piece] of word.toLowerCase().matchAll(LETTERS)) {
    const score = pieceScore(piece, languages);
    for (let i = 0; i < total.raw.length; i++) total.raw[i] += score.raw[i];
    total.ngrams += score.ngrams;
  }
  return total;
}

/** eld's raw scores of one run of letters, recovered from its reported scores: raw = x * n-grams, x = 25 s / (1 - s). */
function pieceScore(word: string, languages: readonly string[]): WordScore {
  if (!detector) throw new Error('loadDetector() first');
  const ngrams = eldNgrams(word);
  const reported = detector.detect(word).getScores();
  const raw = new Float64Array(languages.length);
  languages.forEach((language, i) => {
    const s = reported[language];
    if (s > 0 && s < 1) raw[i] = (ngrams * ELD_SCALE * s) / (1 - s);
  });
  return { raw, ngrams };
}

/** How many distinct byte n-grams eld reads in one word (languageDetector.js getByteNgrams: 4 bytes, stride 3, capped at 70 bytes). */
function eldNgrams(word: string): number {
  const bytes = encoder.encode(word);
  const len = Math.min(bytes.length, 70);
  const seen = new Set<string>();
  let j = 0;
  const key = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  for (; j + 4 < len; j += 3) seen.add((j === 0 ? ' ' : '') + key(j, j + 4));
  seen.add((j === 0 ? ' ' : '') + key(len !== 3 ? Math.max(0, len - 4) : 0, len) + ' ');
  return seen.size;
}
