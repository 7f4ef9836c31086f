/**
 * Rejection sampling (DeepSeek-R1's second SFT stage): from each scored group
 * keep the best completion, or every completion at or above a threshold, as
 * fine-tuning rows with the reward and its per-rule breakdown. A chat prompt
 * stays a conversation (TRL's conversational prompt-completion format).
 */
import type { ScoredGroup } from './score-groups.ts';

export interface FilterOptions {
  /** `best`: the highest reward per group (the first on ties); `all`: every completion that passes. */
  keep: 'best' | 'all';
  /** Minimum reward kept (inclusive); unscored (null) completions are never kept. */
  threshold?: number;
  /** `prompt-completion` rows, or chat `messages` rows. */
  format: 'prompt-completion' | 'messages';
}

export type FineTuningRow = Record<string, unknown>;

export function filterGroup(group: ScoredGroup, options: FilterOptions): FineTuningRow[] {
  const passing = group.completions.filter((c) => c.reward !== null && (options.threshold === undefined || c.reward >= options.threshold));
  const kept =
    options.keep === 'all' ? passing : passing.reduce<typeof passing>((best, c) => (best.length === 0 || c.reward! > best[0].reward! ? [c] : best), []);
  return kept.map((c) => {
    const rewards = Object.fromEntries(Object.entries(c.rewards).map(([rule, cell]) => [rule, cell.score]));
    const answer = { role: 'assistant', content: c.completion };
    const { prompt } = group;
    let row: FineTuningRow;
    if (options.format === 'messages') {
      const asked = prompt === undefined ? [] : typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt;
      row = { messages: [...asked, answer] };
    } else row = typeof prompt === 'object' ? { prompt, completion: [answer] } : { prompt: prompt ?? '', completion: c.completion };
    return { ...row, reward: c.reward, rewards, group: group.id };
  });
}
