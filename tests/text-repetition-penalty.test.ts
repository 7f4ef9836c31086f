/** repetition-penalty (open-r1) and the n-gram degeneration measure behind it; one row per case. */
import { describe, expect, it } from 'vitest';
import { ngramRepetition } from '../rewards/lib/text/ngrams.ts';
import { repetitionUnits } from '../rewards/lib/text/words.ts';
import { reward } from '../rewards/repetition-penalty.ts';
import type { Sample } from '../rewards/types.ts';

const ctx = { deadline: Date.now() + 60_000 };
const defaults = { ngram_size: 3, max_penalty: -1, units: 'auto', mask_numbers: true } as const;

describe('repetition-penalty', () => {
  type Row = [string, Sample, Partial<Record<keyof typeof defaults, unknown>>, number | null, string?];
  const rows: Row[] = [
    // [why, sample, params, score, reason]
    ['empty completion: 0, as open-r1', { completion: '' }, {}, 0],
    ['fewer words than n: 0', { completion: 'two words' }, {}, 0],
    ['exactly n words: one trigram, nothing repeats', { completion: 'a b c' }, {}, 0],
    ['a pure loop: 8 trigrams, 1 distinct', { completion: 'go go go go go go go go go go' }, {}, -(1 - 1 / 8)],
    ['case is folded, as open-r1 lower()s', { completion: 'A b c a B c' }, {}, -(1 - 3 / 4)],
    ['punctuation stays on its word, as str.split()', { completion: 'a b c. a b c' }, {}, 0],
    ['max_penalty scales the rate', { completion: 'x y x y x y' }, { ngram_size: 2, max_penalty: -0.5 }, -0.5 * (1 - 2 / 5)],
    ['unigrams', { completion: 'a a b' }, { ngram_size: 1 }, -(1 - 2 / 3)],
    ['token ids are used when sent', { completion: 'a b c d e', completion_ids: [1, 1, 1, 1] }, { ngram_size: 2 }, -(1 - 1 / 3)],
    ["units 'words' ignores token ids", { completion: 'a b c d e', completion_ids: [1, 1, 1, 1] }, { ngram_size: 2, units: 'words' }, 0],
    ["units 'tokens' without ids: not scored", { completion: 'a b c' }, { units: 'tokens' }, null, 'no_token_ids'],
    ['Chinese without spaces is segmented (one whitespace token)', { completion: '我们计算我们计算' }, { ngram_size: 2 }, -(1 - 2 / 3)],
    ['Japanese too', { completion: '私は学生です私は学生です' }, { ngram_size: 4 }, -(1 - 4 / 5)],
    [
      'regression: a loop carrying a counter repeats once numbers are masked',
      { completion: 'step 1 check step 2 check step 3 check step 4' },
      {},
      -(1 - 3 / 9),
    ],
    ['mask_numbers false is open-r1: the counter hides the loop', { completion: 'step 1 check step 2 check step 3 check step 4' }, { mask_numbers: false }, 0],
    ['regression: a loop without spaces is cut into repeating pieces', { completion: 'wait'.repeat(100) }, {}, -(1 - 1 / 48)],
    ['regression: a Thai loop is segmented', { completion: 'ฉันคิดว่า'.repeat(40) }, { ngram_size: 2 }, -(1 - 3 / 119)], // ฉัน|คิด|ว่า x 40,
    ['regression: zero-width characters inside words do not hide a loop', { completion: 'le\u200bt me\u200c check '.repeat(20) }, {}, -(1 - 3 / 58)],
  ];
  it.each(rows)('%s', async (_why, sample, params, score, reason) => {
    const result = await reward.score(sample, { ...defaults, ...params } as never, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('never reports -0', async () => {
    const result = await reward.score({ completion: 'a b c d' }, defaults, ctx);
    expect(Object.is(result.score, 0)).toBe(true);
  });
});

describe('repetitionUnits', () => {
  type Row = [string, string, boolean, string[]];
  const rows: Row[] = [
    // [why, text, mask numbers, units]
    ['lower-cased whitespace split', 'The  Cat\nsat', false, ['the', 'cat', 'sat']],
    ['a CJK run inside a token is segmented, its Latin neighbours kept', 'x=我们计算', false, ['x=', '我们', '计算']],
    ['kana and kanji', '私は', false, ['私', 'は']],
    ['Thai is segmented', 'สวัสดีครับ', false, ['สวัสดี', 'ครับ']],
    ['numbers masked, inside words too', 'step 12, x3 and 1,000', true, ['step', '0,', 'x0', 'and', '0,0']],
    ['fullwidth letters and zero-width characters are normalised away', 'ｗａｉｔ w\u200bait', false, ['wait', 'wait']],
    ['a token over 24 characters is cut into 8-character pieces', 'ab'.repeat(13), false, ['abababab', 'abababab', 'abababab', 'ab']],
    ['nothing', '  ', false, []],
  ];
  it.each(rows)('%s', (_why, text, maskNumbers, units) => {
    expect(repetitionUnits(text, { maskNumbers })).toEqual(units);
  });
});

describe('ngramRepetition', () => {
  it('separates n-grams whose joined text would collide', () => {
    expect(ngramRepetition(['a b', 'c', 'a', 'b c'], 2).distinct).toBe(3);
  });
  it('counts a sequence shorter than n as no n-grams', () => {
    expect(ngramRepetition([1, 2], 3)).toEqual({ total: 0, distinct: 0, rate: 0 });
  });
});
