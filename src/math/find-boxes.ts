/**
 * Decides which boxes (found by rewards/lib/boxed.ts) form the final answer: the last box, joined with the boxes
 * before it when only connectors stand between them (`\boxed{1} and
 * \boxed{2}`), never across a self-correction (`\boxed{12} wait \boxed{15}`).
 */

import { findBoxes as findBracedBoxes, type Span } from '../../rewards/lib/boxed.ts';

export type { Span };

/** `\boxed 7`, `\boxed7`: a box without braces holds the one word after it. */
const UNBRACED = /\\(?:boxed|fbox)(?:\s+|(?=[\d-]))(?!\{)([^\s${}]+)/g;

/** Braced boxes (rewards/lib/boxed.ts) and unbraced ones outside them, in text order. */
export function findBoxes(text: string): Span[] {
  const braced = findBracedBoxes(text);
  if (!/\\(?:boxed|fbox)(?!\s*\{)/.test(text)) return braced;
  const inside = (i: number) => braced.some((b) => i >= b.start && i < b.end);
  const loose: Span[] = [];
  for (const m of text.matchAll(UNBRACED)) {
    const content = m[1]!.replace(/[.,;:]+$/, '');
    if (content && !inside(m.index)) loose.push({ start: m.index, end: m.index + m[0].length, content, closed: true });
  }
  return [...braced, ...loose].sort((a, b) => a.start - b.start);
}

const CONNECTORS = new Set(['and', 'or', 'text', 'quad', 'qquad', 'mbox', 'the', 'are']);
/** Words that mark a second thought: the boxes around them are not one answer. */
const CORRECTIONS = new Set([
  'no',
  'not',
  'wait',
  'but',
  'actually',
  'hmm',
  'however',
  'instead',
  'wrong',
  'incorrect',
  'mistake',
  'oops',
  'sorry',
  'recheck',
  'check',
  'again',
  'redo',
  'let',
  'maybe',
  'correction',
  'previous',
  'earlier',
  'reconsider',
  'error',
  'so',
  'therefore',
  'thus',
  'hence',
  'answer',
  'final',
]);

/** Text between two answer pieces that only joins them. */
export function isConnectorGap(gap: string): boolean {
  if (gap.length > 120 || /\n\s*\n/.test(gap)) return false;
  const words = (gap.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => !CONNECTORS.has(w));
  // Words are tolerated only beside a real connector (`\boxed{1} papers and \boxed{2}`).
  const joined = /\b(?:and|or)\b|[,;&]/i.test(gap);
  return (words.length === 0 || (joined && words.length <= 4)) && !words.some((w) => CORRECTIONS.has(w));
}

/** The last box and the boxes joined to it, in text order. */
export function finalBoxes(text: string, boxes: Span[]): Span[] {
  if (!boxes.length) return [];
  const chosen = [boxes.at(-1)!];
  for (let i = boxes.length - 2; i >= 0; i--) {
    const gap = text.slice(boxes[i]!.end, chosen[0]!.start);
    if (!isConnectorGap(gap)) break;
    chosen.unshift(boxes[i]!);
  }
  return chosen;
}
