/** Every built-in rule, listed by hand and sorted by id. Adding a rule = one file + one line here. */
import type { RewardDefinition } from './types.ts';

export const builtinRewards: readonly RewardDefinition[] = [
];
