/**
 * METEOR as NLTK's `meteor_score` computes it (Banerjee & Lavie 2005;
 * alpha 0.9, beta 3, gamma 0.5), with its exact and Porter-stem alignment
 * stages but without the WordNet synonym stage (WordNet is not shipped):
 * Fmean = PR / (alpha·P + (1 - alpha)·R), penalty = gamma·(chunks / matches)^beta,
 * score = (1 - penalty)·Fmean, the best reference winning.
 */
import { stemmer } from 'stemmer';

const ALPHA = 0.9;
const BETA = 3;
const GAMMA = 0.5;

type Enum = Array<[index: number, word: string]>;

/** NLTK's `_match_enums`: from the last hypothesis word back, pair it with the last equal reference word. */
function matchEnums(hyp: Enum, ref: Enum): Array<[number, number]> {
  const matches: Array<[number, number]> = [];
  for (let i = hyp.length - 1; i >= 0; i--) {
    for (let j = ref.length - 1; j >= 0; j--) {
      if (hyp[i][1] === ref[j][1]) {
        matches.push([hyp[i][0], ref[j][0]]);
        hyp.splice(i, 1);
        ref.splice(j, 1);
        break;
      }
    }
  }
  return matches;
}

function chunks(matches: Array<[number, number]>): number {
  let count = 1;
  for (let i = 0; i + 1 < matches.length; i++) {
    if (matches[i + 1][0] !== matches[i][0] + 1 || matches[i + 1][1] !== matches[i][1] + 1) count++;
  }
  return count;
}

function single(hypothesis: readonly string[], reference: readonly string[]): number {
  const hyp: Enum = hypothesis.map((w, i) => [i, w]);
  const ref: Enum = reference.map((w, i) => [i, w]);
  const exact = matchEnums(hyp, ref);
  const stem = (list: Enum): Enum => list.map(([i, w]) => [i, stemmer(w)]);
  const stemmedHyp = stem(hyp);
  const stemmedRef = stem(ref);
  const matches = [...exact, ...matchEnums(stemmedHyp, stemmedRef)].sort((a, b) => a[0] - b[0]);
  if (matches.length === 0) return 0;
  const precision = matches.length / hypothesis.length;
  const recall = matches.length / reference.length;
  const fmean = (precision * recall) / (ALPHA * precision + (1 - ALPHA) * recall);
  const penalty = GAMMA * (chunks(matches) / matches.length) ** BETA;
  return (1 - penalty) * fmean;
}

export function meteor(hypothesis: readonly string[], references: readonly (readonly string[])[]): number {
  return Math.max(0, ...references.map((ref) => single(hypothesis, ref)));
}
