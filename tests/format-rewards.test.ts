/** think-format and tag-count, one row per case; the scanner and end-marker handling they rely on. */
import { describe, expect, it } from 'vitest';
import { reward as tagCount } from '../rewards/tag-count.ts';
import { reward as thinkFormat } from '../rewards/think-format.ts';

const ctx = { deadline: Date.now() + 60_000 };
const defaults = { prefilled_think: false, min_think_chars: 1, min_think_words: 1, answer_tag: false };

type Row = [string, string, Partial<typeof defaults>, number, string?];

const rows: Row[] = [
  // [why, completion, params, score, reason]
  ['think then answer', '<think>2+2=4</think>\nThe answer is 4.', {}, 1],
  ['leading whitespace and CRLF are normalised', '  \r\n<think>\r\nadd\r\n</think>\r\n4\r\n', {}, 1],
  ['end-of-sequence markers are stripped', '<think>add</think> 4<|im_end|>', {}, 1],
  ['several markers and trailing space', '<think>add</think> 4 <|eot_id|></s> ', {}, 1],
  ['no think block at all', 'The answer is 4.', {}, 0, 'missing_think'],
  ['text before <think>', 'Sure! <think>add</think> 4', {}, 0, 'text_before_think'],
  ['<think> never closed', '<think>add and 4', {}, 0, 'unclosed_think'],
  ['nested think', '<think>a<think>b</think>c</think> 4', {}, 0, 'nested_think'],
  ['two think blocks', '<think>a</think> 4 <think>b</think> 5', {}, 0, 'multiple_think'],
  ['stray closing tag first', '</think> 4', {}, 0, 'unbalanced_tags'],
  ['extra closing tag after the block', '<think>a</think> 4 </think>', {}, 0, 'unbalanced_tags'],
  ['empty think', '<think>  \n </think> 4', {}, 0, 'empty_think'],
  ['think shorter than min_think_chars', '<think>ok</think> 4', { min_think_chars: 10 }, 0, 'empty_think'],
  ['empty answer', '<think>add</think>   ', {}, 0, 'empty_answer'],
  ['regression: a zero-width space is not reasoning nor an answer', '<think>\u200b</think>\u200b', {}, 0, 'empty_think'],
  ['regression: a word joiner (U+2060) is not reasoning', '<think>\u2060</think> 4', {}, 0, 'empty_think'],
  ['regression: an answer of zero-width joiners is empty', '<think>add</think> \u200c\u200d', {}, 0, 'empty_answer'],
  [
    'regression: min_think_chars counts visible characters, not zero-width ones',
    '<think>\u200bo\u200bk\u200b</think> 4',
    { min_think_chars: 3 },
    0,
    'empty_think',
  ],
  ['answer only inside think', '<think>so \\boxed{4}</think>', {}, 0, 'answer_only_in_think'],
  ['prefilled <think>: completion starts inside the block', 'add them</think> 4', { prefilled_think: true }, 1],
  ['prefilled, and the tag is still in the decoded text: counted once', '<think>add</think> 4', { prefilled_think: true }, 1],
  ['prefilled but the model opens another block', 'a</think><think>b</think> 4', { prefilled_think: true }, 0, 'multiple_think'],
  ['answer tags required and present', '<think>add</think>\n<answer>4</answer>', { answer_tag: true }, 1],
  ['answer tags required but missing', '<think>add</think> 4', { answer_tag: true }, 0, 'missing_answer_tag'],
  ['text between </think> and <answer>', '<think>add</think> so <answer>4</answer>', { answer_tag: true }, 0, 'missing_answer_tag'],
  ['text after </answer>', '<think>add</think><answer>4</answer> or 5', { answer_tag: true }, 0, 'text_after_answer'],
  ['empty answer tags', '<think>add</think><answer> </answer>', { answer_tag: true }, 0, 'empty_answer'],
  ['regression: zero-width think and answer in answer tags', '<think>\u200b</think><answer>\u200b</answer>', { answer_tag: true }, 0, 'empty_think'],
  [
    'regression: answer tags holding only format characters (ZWSP, U+2060, soft hyphen)',
    '<think>add</think><answer>\u200b\u2060\u00ad</answer>',
    { answer_tag: true },
    0,
    'empty_answer',
  ],
  ['answer tag inside think', '<think><answer>4</answer></think><answer>4</answer>', { answer_tag: true }, 0, 'answer_inside_think'],
  ['two answer blocks', '<think>a</think><answer>4</answer><answer>5</answer>', { answer_tag: true }, 0, 'unbalanced_tags'],
  ['unclosed answer', '<think>a</think><answer>4', { answer_tag: true }, 0, 'unbalanced_tags'],
  ['tags with other names are plain text', '<think>if a<b and c>d</think> <b>4</b>', {}, 1],
  // Invisible and wordless blocks (version 3): none of these is reasoning or an answer.
  ['regression: a Braille blank (U+2800) is invisible', '<think>\u2800\u2800</think> 4', {}, 0, 'empty_think'],
  ['regression: Hangul fillers (U+3164, U+115F, U+1160, U+FFA0) are invisible', '<think>\u3164\u115f\u1160\uffa0</think> 4', {}, 0, 'empty_think'],
  ['regression: combining grapheme joiners and variation selectors are invisible', '<think>\u034f\ufe0f\u034f</think> 4', {}, 0, 'empty_think'],
  ['regression: a dot is no reasoning', '<think>.</think> 4', {}, 0, 'empty_think'],
  ['regression: punctuation and emoji hold no word', '<think>... 🤔 !!! ——</think> 4', {}, 0, 'empty_think'],
  ['min_think_words 0 lets a wordless block pass', '<think>.</think> 4', { min_think_words: 0 }, 1],
  ['min_think_words counts segmented Chinese words', '<think>我们计算</think> 4', { min_think_words: 3 }, 0, 'empty_think'],
  ['min_think_words met', '<think>我们先计算总和</think> 4', { min_think_words: 3 }, 1],
  ['fullwidth letters are words', '<think>ａｄｄ</think> 4', {}, 1],
  ['regression: an answer of a Braille blank is empty', '<think>add</think> \u2800', {}, 0, 'empty_answer'],
  ['regression: an answer of punctuation only is empty', '<think>add</think> .', {}, 0, 'empty_answer'],
  ['a math symbol is an answer', '<think>the set has no element</think> ∅', {}, 1],
];

describe('think-format', () => {
  it.each(rows)('%s', async (_why, completion, params, score, reason) => {
    const result = await thinkFormat.score({ completion }, { ...defaults, ...params }, ctx);
    expect(result.score).toBe(score);
    expect(result.reason).toBe(reason);
  });

  it('reports hedging (several different boxed answers) as a flag', async () => {
    const result = await thinkFormat.score({ completion: '<think>a</think> \\boxed{4} or \\boxed{5}' }, defaults, ctx);
    expect(result.details).toMatchObject({ hedging: true, flags: { distinct_boxed: 2 } });
    const failing = await thinkFormat.score({ completion: '<think> </think> \\boxed{4} or \\boxed{5}' }, defaults, ctx);
    expect(failing).toMatchObject({ score: 0, reason: 'empty_think', details: { hedging: true } });
  });

  it('flags n-gram degeneration in a well-formed completion', async () => {
    const loop = `<think>${'let me check again '.repeat(30)}</think> 4`;
    const result = await thinkFormat.score({ completion: loop }, defaults, ctx);
    expect(result.score).toBe(1); // the format holds; the flag lets a trainer see the loop
    expect(result.details).toMatchObject({ degenerate: true });
    const normal = await thinkFormat.score({ completion: '<think>2 plus 2 is 4 because we add two and two</think> 4' }, defaults, ctx);
    expect(normal.details?.degenerate).toBeUndefined();
  });

  it('reports tag counts even when the format fails (tag spam is visible)', async () => {
    const result = await thinkFormat.score({ completion: '<think>a</think><think>b</think><think>c</think>' }, defaults, ctx);
    expect(result.details).toMatchObject({ flags: { think_blocks: 3, tag_count: 6 } });
  });
});

describe('tag-count (open-r1 tag_count_reward)', () => {
  const tagRows: Array<[string, string, Record<string, boolean>, number]> = [
    ['all four newline-delimited tags once', '<think>\na\n</think>\n<answer>\n4\n</answer>', {}, 1],
    ['tags without newlines earn nothing by default', '<think>a</think><answer>4</answer>', {}, 0],
    ['tags without newlines, newlines: false', '<think>a</think><answer>4</answer>', { newlines: false }, 1],
    ['a repeated tag earns nothing for that tag', '<think>\n<think>\na\n</think>\n', {}, 0.25],
    ['only think tags, answer tags not counted', '<think>\na\n</think>\n4', { answer_tag: false }, 1],
    ['regression: bare tags with nothing between them earn nothing', '<think>\n\n</think>\n<answer>\n\n</answer>', {}, 0],
    ['regression: tags around invisible characters earn nothing', '<think>\n\u200b\u2800\n</think>\n<answer>\n\u3164\n</answer>', {}, 0],
    ['a think pair with words, an empty answer pair: half', '<think>\nadd\n</think>\n<answer>\n.\n</answer>', {}, 0.5],
    ['closing before opening earns nothing for the pair', '\n</think>\n<think>\nadd', { answer_tag: false }, 0],
  ];
  it.each(tagRows)('%s', async (_why, completion, params, score) => {
    const result = await tagCount.score({ completion }, { newlines: true, answer_tag: true, ...params }, ctx);
    expect(result.score).toBe(score);
  });
});
