/** Every built-in rule, listed by hand and sorted by id. Adding a rule = one file + one line here. */
import { reward as codeTests } from './code-tests.ts';
import { reward as cosineLength } from './cosine-length.ts';
import { reward as jsFunction } from './js-function.ts';
import { reward as languageConsistency } from './language-consistency.ts';
import { reward as length } from './length.ts';
import { reward as mathAnswer } from './math-answer.ts';
import { reward as multipleChoice } from './multiple-choice.ts';
import { reward as overlongPenalty } from './overlong-penalty.ts';
import { reward as regexMatch } from './regex-match.ts';
import { reward as repetitionPenalty } from './repetition-penalty.ts';
import { reward as stringCheck } from './string-check.ts';
import { reward as tagCount } from './tag-count.ts';
import { reward as textSimilarity } from './text-similarity.ts';
import { reward as thinkFormat } from './think-format.ts';
import type { RewardDefinition } from './types.ts';

export const builtinRewards: readonly RewardDefinition[] = [
  codeTests,
  cosineLength,
  jsFunction,
  languageConsistency,
  length,
  mathAnswer,
  multipleChoice,
  overlongPenalty,
  regexMatch,
  repetitionPenalty,
  stringCheck,
  tagCount,
  textSimilarity,
  thinkFormat,
];
