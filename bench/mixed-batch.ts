/**
 * Realistic synthetic scoring requests for the HTTP benchmarks: GRPO groups of
 * 16 completions over the shared math items (bench/math-synthetic-1024.jsonl under VERDICT_CORPORA_DIR, default ../shared),
 * every completion distinct so in-request dedup cannot make the work trivial.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Item {
  gold: string;
  pred: string;
}

const GROUP_SIZE = 16;
const file = path.resolve(process.env.VERDICT_CORPORA_DIR ?? path.resolve(process.cwd(), '../shared'), 'bench/math-synthetic-1024.jsonl');
const items: Item[] = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Item);

/** The i-th completion of a group on item `it`: reasoning in <think>, then the item's answer or another item's (wrong). */
function completion(it: number, k: number, serial: number): string {
  const own = items[it].pred;
  const answer = k % 4 === 1 ? items[(it + 7) % items.length].pred : own;
  if (k % 8 === 7) return answer; // no think block: the format rules score 0
  return `<think>\nAttempt ${serial}: let me work through it. ${own.slice(0, 400)}\n</think>\n${answer}`;
}

export function mixedBatch(completions: number, rules: readonly string[]) {
  const groups = Math.max(1, Math.ceil(completions / GROUP_SIZE));
  return {
    rewards: rules.map((id) => ({ id })),
    groups: Array.from({ length: groups }, (_, g) => {
      const it = g % items.length;
      const size = Math.min(GROUP_SIZE, completions - g * GROUP_SIZE);
      return {
        id: `g${g}`,
        prompt: `Solve the problem and put the final answer in \\boxed{}. (item ${it})`,
        reference: items[it].gold,
        metadata: { language: 'en' },
        completions: Array.from({ length: size }, (_, k) => completion(it, k, g * GROUP_SIZE + k)),
      };
    }),
  };
}
