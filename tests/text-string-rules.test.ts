/** string-check, regex-match and multiple-choice: one row per case, adversarial inputs included. */
import { describe, expect, it } from 'vitest';
import { extractChoice } from '../rewards/lib/text/choice-letter.ts';
import { reward as multipleChoice } from '../rewards/multiple-choice.ts';
import { reward as regexMatch } from '../rewards/regex-match.ts';
import { reward as stringCheck } from '../rewards/string-check.ts';
import type { Sample } from '../rewards/types.ts';

const ctx = { deadline: Date.now() + 60_000 };
type Row = [string, Sample, Record<string, unknown>, number | null, string?];

async function expectRow(rule: typeof stringCheck, defaults: Record<string, unknown>, [, sample, params, score, reason]: Row) {
  const result = await rule.score(sample, { ...defaults, ...params }, ctx);
  expect(result.score).toBe(score);
  if (reason) expect(result.reason).toBe(reason);
}

describe('string-check', () => {
  const defaults = { operation: 'eq', scope: 'answer', trim: true };
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['eq after </think>', { completion: '<think>x</think> Paris', reference: 'Paris' }, {}, 1],
    ['eq does not look inside the thinking', { completion: '<think>Paris</think> Lyon', reference: 'Paris' }, {}, 0],
    ['eq inside <answer> tags', { completion: '<think>x</think><answer>Paris</answer>', reference: 'Paris' }, {}, 1],
    ['eq untrimmed over the whole completion keeps the newline', { completion: 'Paris\n', reference: 'Paris' }, { trim: false, scope: 'completion' }, 0],
    ['scope completion compares everything', { completion: '<think>x</think> Paris', reference: 'Paris' }, { scope: 'completion' }, 0],
    ['ne passes on a different answer', { completion: 'Lyon', reference: 'Paris' }, { operation: 'ne' }, 1],
    ['like is case-sensitive contains', { completion: 'the city of paris', reference: 'Paris' }, { operation: 'like' }, 0],
    ['ilike ignores case', { completion: 'the city of PARIS', reference: 'paris' }, { operation: 'ilike' }, 1],
    ['like with an empty reference always holds (OpenAI: substring)', { completion: 'x', reference: '' }, { operation: 'like' }, 1],
    ['several references: any one for eq', { completion: 'Paris', reference: ['Lyon', 'Paris'] }, {}, 1],
    ['several references: ne must differ from all', { completion: 'Paris', reference: ['Lyon', 'Paris'] }, { operation: 'ne' }, 0],
    ['a numeric reference is compared as text', { completion: '42', reference: 42 }, {}, 1],
    ['the params reference overrides the group', { completion: 'yes', reference: 'no' }, { reference: 'yes' }, 1],
    ['an object reference is unusable', { completion: 'x', reference: { a: 1 } }, {}, null, 'no_reference'],
    // Normalised (version 2): invisible and fullwidth characters neither hide nor fake a match.
    [
      'regression: a zero-width space inside the answer does not escape ne',
      { completion: 'I can\u200bnot help' },
      { operation: 'ne', reference: 'I cannot help' },
      0,
    ],
    ['regression: a Braille blank is not an answer that differs', { completion: '<think>x</think>\u2800' }, { operation: 'ne', reference: '' }, 0],
    ['regression: a Braille blank reads as the space it shows', { completion: 'I\u2800cannot\u3164help' }, { operation: 'ne', reference: 'I cannot help' }, 0],
    ['fullwidth letters equal their plain forms', { completion: 'Ｐａｒｉｓ', reference: 'Paris' }, {}, 1],
    ['the reference is normalised too', { completion: 'Paris', reference: 'Par\u200bis' }, {}, 1],
    // verbatim: OpenAI's literal reading.
    ['verbatim reads the reasoning too', { completion: '<think>x</think>Paris', reference: 'Paris' }, { scope: 'verbatim' }, 0],
    ['verbatim never trims', { completion: 'Paris\n', reference: 'Paris' }, { scope: 'verbatim' }, 0],
    ['verbatim keeps invisible characters', { completion: 'Par\u200bis', reference: 'Paris' }, { scope: 'verbatim' }, 0],
    // OpenAI's semantics, hazards included (docs/text-rules.md): these pass by design.
    [
      'hazard kept: like passes a copy of the prompt that holds the reference',
      { completion: 'Is the capital Paris, Lyon or Nice?', reference: 'Paris' },
      { operation: 'like' },
      1,
    ],
    ['hazard kept: like passes a negation', { completion: 'not Paris', reference: 'Paris' }, { operation: 'like' }, 1],
    ['hazard kept: ne passes an empty answer', { completion: '<think>x</think>', reference: 'Paris' }, { operation: 'ne' }, 1],
    ['the safe choice: eq on the answer refuses both', { completion: 'not Paris', reference: 'Paris' }, {}, 0],
  ];
  it.each(rows)('%s', (...row) => expectRow(stringCheck, defaults, row));
});

describe('regex-match', () => {
  const defaults = { flags: '', full_match: false, scope: 'answer', max_input_chars: 100_000 };
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['found anywhere', { completion: 'The answer is 42.' }, { pattern: String.raw`\b42\b` }, 1],
    ['not found', { completion: 'The answer is 41.' }, { pattern: String.raw`\b42\b` }, 0],
    ['full_match needs all of it', { completion: '42' }, { pattern: String.raw`\d+`, full_match: true }, 1],
    ['flag i', { completion: 'YES' }, { pattern: 'yes', flags: 'i' }, 1],
    ['without m, ^ is the start of the input only', { completion: 'a\nFinal: 3' }, { pattern: '^Final: \\d$' }, 0],
    ['flag m: ^ and $ at line ends', { completion: 'a\nFinal: 3' }, { pattern: '^Final: \\d$', flags: 'm' }, 1],
    ['flag s: . crosses newlines', { completion: 'a\nb' }, { pattern: 'a.b', flags: 's' }, 1],
    ['Unicode classes work', { completion: '答案是四' }, { pattern: String.raw`\p{Han}+` }, 1],
    ['the answer scope skips the thinking', { completion: '<think>42</think> no idea' }, { pattern: '42' }, 0],
    ['catastrophic for backtracking engines, linear here', { completion: `${'a'.repeat(50_000)}!` }, { pattern: '(a+)+$' }, 0],
    ['lookahead is not RE2: not scored', { completion: 'x' }, { pattern: '(?=x)' }, null, 'invalid_pattern'],
    ['a huge counted repeat is refused by RE2', { completion: 'x' }, { pattern: '(a{1000}){1000}' }, null, 'invalid_pattern'],
    ['input longer than max_input_chars: not scored', { completion: 'a'.repeat(11) }, { pattern: 'a', max_input_chars: 10 }, null, 'input_too_long'],
    ['a pattern from the reference longer than 1000 characters: not scored', { completion: 'a', reference: 'a'.repeat(1001) }, {}, null, 'pattern_too_long'],
    ['no pattern and a non-string reference', { completion: 'a', reference: 3 }, {}, null, 'no_pattern'],
    ['regression: a zero-width space does not break a match', { completion: '4\u200b2' }, { pattern: '^42$' }, 1],
    ['verbatim keeps it', { completion: '4\u200b2' }, { pattern: '^42$', scope: 'verbatim' }, 0],
    ['hazard kept: an unanchored pattern matches an answer listing every option', { completion: 'A, B, C or D' }, { pattern: 'C' }, 1],
    ['the safe choice: anchored, it does not', { completion: 'A, B, C or D' }, { pattern: 'C', full_match: true }, 0],
  ];
  it.each(rows)('%s', (...row) => expectRow(regexMatch as never, defaults, row));

  it('matches 100k characters without backtracking blow-up', async () => {
    const started = performance.now();
    await regexMatch.score({ completion: `${'ab '.repeat(33_000)}end` }, { ...defaults, pattern: String.raw`(\w+\s?)*end$` }, ctx);
    expect(performance.now() - started).toBeLessThan(5000); // ~0.1 s here; generous for a loaded CI machine
  });
});

describe('multiple-choice', () => {
  const defaults = { letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', scope: 'answer' };
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['boxed', { completion: '\\boxed{C}', reference: 'C' }, {}, 1],
    ['boxed with \\text', { completion: '\\boxed{\\text{(C)}}', reference: 'C' }, {}, 1],
    ['"Answer: C"', { completion: 'Answer: C', reference: 'C' }, {}, 1],
    ['"the correct option is B."', { completion: 'So the correct option is B.', reference: 'B' }, {}, 1],
    ['"答案是C"', { completion: '所以答案是C', reference: 'C' }, {}, 1],
    ['bare "(D)"', { completion: '(D)', reference: 'D' }, {}, 1],
    ['bold "**A**"', { completion: '**A**', reference: 'A' }, {}, 1],
    ['letter then option text', { completion: 'B) Paris', reference: 'B' }, {}, 1],
    ['the last answer phrase wins over an earlier one', { completion: 'The answer is A. No wait, the answer is B.', reference: 'B' }, {}, 1],
    ['"the answer is a prime" names no option', { completion: 'The answer is a prime', reference: 'A' }, {}, 0, 'no_choice'],
    ['the article "A" in prose is not a choice', { completion: 'A good question.', reference: 'A' }, {}, 0, 'no_choice'],
    ['last parenthesised letter as a last resort', { completion: '(A) fails, (B) fails, so (C)', reference: 'C' }, {}, 1],
    ['two different boxed letters are a hedge', { completion: '\\boxed{A} \\boxed{B}', reference: 'A' }, {}, 0, 'multiple_choices'],
    ['the same boxed letter twice is fine', { completion: '\\boxed{A} so \\boxed{A}', reference: 'A' }, {}, 1],
    ['a boxed letter outside `letters` is simply wrong', { completion: '\\boxed{E}', reference: 'A' }, { letters: 'ABCD' }, 0, 'wrong_choice'],
    ['a phrase letter outside `letters` is ignored', { completion: 'Answer: E', reference: 'A' }, { letters: 'ABCD' }, 0, 'no_choice'],
    ['the thinking is not the answer', { completion: '<think>Answer: A</think> Answer: B', reference: 'A' }, {}, 0, 'wrong_choice'],
    ['reference as a 0-based index', { completion: 'Answer: C', reference: 2 }, {}, 1],
    ['reference "(c)" is letter C', { completion: 'Answer: C', reference: '(c)' }, {}, 1],
    ['an out-of-range index: not scored', { completion: 'A', reference: 30 }, {}, null, 'no_reference'],
    // Regressions from an adversarial probe: version 1 misread each of these.
    ['a listed hedge after "the answer is"', { completion: 'The answer is A, B, C or D', reference: 'A' }, {}, 0, 'multiple_choices'],
    ['two parenthesised letters after "the answer is"', { completion: 'The answer is (A) or (C)', reference: 'A' }, {}, 0, 'multiple_choices'],
    ['adjacent parenthesised letters are a hedge', { completion: '(A)(B)', reference: 'B' }, {}, 0, 'multiple_choices'],
    ['"either (A) or (B)" is a hedge', { completion: 'either (A) or (B)', reference: 'B' }, {}, 0, 'multiple_choices'],
    ['a leading list of letters is a hedge', { completion: 'A) B) C) D)', reference: 'A' }, {}, 0, 'multiple_choices'],
    ['"A. or C." is a hedge', { completion: 'A. or C.', reference: 'A' }, {}, 0, 'multiple_choices'],
    ['a negated letter is no choice', { completion: 'Not (C).', reference: 'C' }, {}, 0, 'no_choice'],
    [
      'every option ruled out picks none',
      { completion: 'Option A is wrong. Option B is wrong. Option C is wrong. Option D is wrong.', reference: 'D' },
      {},
      0,
      'no_choice',
    ],
    ['"C) is wrong" rejects C', { completion: 'C) is wrong; the answer is neither', reference: 'C' }, {}, 0, 'no_choice'],
    ['the pronoun I is not option I', { completion: 'Answer: I think B', reference: 'I' }, {}, 0, 'wrong_choice'],
    ['"Answer: I think B" reads B', { completion: 'Answer: I think B', reference: 'B' }, {}, 1],
    // A list stops where the answer does, and "not" rules out only its own letter.
    ['a later option named in the reasoning is not a hedge', { completion: 'The answer is C because option A fails', reference: 'C' }, {}, 1],
    ['a full stop ends the list', { completion: 'The answer is C. A and B are wrong.', reference: 'C' }, {}, 1],
    ['"(B), not (C)" picks B', { completion: '(B), not (C)', reference: 'B' }, {}, 1],
    ['option I alone is still I', { completion: 'Answer: I.', reference: 'I' }, {}, 1],
    ['regression: a fullwidth letter is the letter', { completion: '\\boxed{Ｃ}', reference: 'C' }, {}, 1],
    [
      'regression: a zero-width space cannot split "A or C" into one choice',
      { completion: 'The answer is A\u200b or C', reference: 'A' },
      {},
      0,
      'multiple_choices',
    ],
  ];
  it.each(rows)('%s', (...row) => expectRow(multipleChoice as never, defaults, row));

  it('reports how the letter was found', () => {
    expect(extractChoice('\\boxed{B}', 'ABCD')).toEqual({ letter: 'B', method: 'boxed' });
    expect(extractChoice('Answer: (B)', 'ABCD')).toEqual({ letter: 'B', method: 'phrase' });
    expect(extractChoice('either (A) or (B)', 'ABCD')).toEqual({ letters: ['A', 'B'], method: 'parenthesised' });
  });
});
