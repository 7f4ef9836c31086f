/** Every built-in rule, listed by hand and sorted by id. Adding a rule = one file + one line here. */
import { reward as codeTests } from './code-tests.ts';
import { reward as mathAnswer } from './math-answer.ts';
import { reward as tagCount } from './tag-count.ts';
import { reward as thinkFormat } from './think-format.ts';
import type { RewardDefinition } from './types.ts';

export const builtinRewards: readonly RewardDefinition[] = [
  codeTests,
  mathAnswer,
  tagCount,
  thinkFormat,
];
