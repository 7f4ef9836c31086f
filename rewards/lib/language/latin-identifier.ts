/**
 * Sentence-level language identification for Latin-script targets other
 * than English (Spanish drifting into English cannot be seen in the script).
 * eld (a small n-gram identifier) was accurate on sentences here, where
 * per-word identification is unreliable with every library; its extrasmall
 * database loads once per worker (~0.4 s), and only when a cell needs it.
 */
import type { Identify } from './count-words.ts';

export interface Detector {
  detect(text: string): { language: string; getScores(): Record<string, number> };
}

/** A sentence whose target score is this close to the winner's counts as the target (es vs ca/gl/pt). */
const NEAR_TARGET = 0.95;

let eld: Promise<Detector> | undefined;

export function loadDetector(): Promise<Detector> {
  eld ??= import('eld/extrasmall').then((m) => m.eld as Detector);
  return eld;
}

/** Labels a Latin sentence with its language, or '' when eld cannot tell. */
export async function loadIdentifier(target: string): Promise<Identify> {
  const detector = await loadDetector();
  return (text) => {
    const result = detector.detect(text);
    if (result.language === target || result.language === '') return result.language;
    const scores = result.getScores();
    return (scores[target] ?? 0) >= NEAR_TARGET * scores[result.language] ? target : result.language;
  };
}
