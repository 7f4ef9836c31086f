/** language-consistency: word counting per script and per sentence, target resolution, the rule's params; one row per case. */
import { describe, expect, it } from 'vitest';
import { countWords, type Target } from '../rewards/lib/language/count-words.ts';
import { loadIdentifier } from '../rewards/lib/language/latin-identifier.ts';
import { resolveTarget } from '../rewards/lib/language/resolve-target.ts';
import { stripNonProse } from '../rewards/lib/language/strip-non-prose.ts';
import { splitThink } from '../rewards/lib/text/split-think.ts';
import { reward } from '../rewards/language-consistency.ts';

const ctx = { deadline: Date.now() + 60_000 };
const zh: Target = { code: 'zh', script: 'Han' };
const ja: Target = { code: 'ja', script: 'Japanese' };
const en: Target = { code: 'en', script: 'Latin' };
const ru: Target = { code: 'ru', script: 'Cyrillic' };

describe('countWords by script', () => {
  type Row = [string, string, Target, { target: number; foreign: number; neutral: number }];
  const rows: Row[] = [
    // [why, text, target, counts]
    ['plain English', 'We add the numbers.', en, { target: 4, foreign: 0, neutral: 0 }],
    ['Chinese words come from the segmenter, not characters', '我们计算总和。', zh, { target: 3, foreign: 0, neutral: 0 }],
    ['English drift in a Chinese CoT', '我们计算总和。Wait, recheck this again.', zh, { target: 3, foreign: 4, neutral: 0 }],
    ['numbers and a variable are neutral', '所以x等于5。', zh, { target: 2, foreign: 0, neutral: 2 }],
    ['an isolated capitalised name is neutral', '根据Pythagoras定理', zh, { target: 2, foreign: 0, neutral: 1 }],
    ['a two-word name is neutral too', '根据Isaac Newton的定律', zh, { target: 3, foreign: 0, neutral: 2 }],
    ['"Wait," opening a Chinese sentence is drift, not a name', 'Wait, 让我再想想。', zh, { target: 3, foreign: 1, neutral: 0 }],
    ['ALL-CAPS acronyms are neutral', '求GCD和LCM', zh, { target: 2, foreign: 0, neutral: 2 }],
    ['a capitalised word inside English prose is not a name', '根据 the Pythagoras theorem', zh, { target: 1, foreign: 3, neutral: 0 }],
    ['Greek letters are variables in any CoT', 'Let θ be the angle and π the constant', en, { target: 7, foreign: 0, neutral: 2 }],
    ['a Greek word in an English CoT is foreign', 'The ratio is συνεπώς fine', en, { target: 4, foreign: 1, neutral: 0 }],
    ['homoglyph: Cyrillic Т in "The" makes a mixed word, foreign', 'Тhe answer is four', en, { target: 3, foreign: 1, neutral: 0 }],
    ['homoglyph inside a Russian CoT is foreign too', 'Oтвет четыре', ru, { target: 1, foreign: 1, neutral: 0 }],
    ['single Cyrillic letters are Russian words in a Russian CoT', 'и в с', ru, { target: 3, foreign: 0, neutral: 0 }],
    ['Chinese drift in an English CoT', 'So the answer is 5, 四', en, { target: 4, foreign: 1, neutral: 1 }],
    ['Han with kana in its sentence is Japanese', '私は学生です。', ja, { target: 4, foreign: 0, neutral: 0 }],
    ['Han without kana in its sentence is Chinese, even for a ja target', '東京大学。', ja, { target: 0, foreign: 2, neutral: 0 }],
    ['Japanese drift in a Chinese CoT', '我们计算。私は学生です。', zh, { target: 2, foreign: 4, neutral: 0 }],
    ['code, LaTeX, URLs and tags are not words', 'See `foo bar` and $x+y$ at https://x.io/a <b>ok</b>', en, { target: 4, foreign: 0, neutral: 0 }],
    ['an empty text has no words', '', en, { target: 0, foreign: 0, neutral: 0 }],
    ['regression: zero-width spaces between letters do not make "wait" four variables', '我们先计算总和。w\u200ba\u200bi\u200bt', zh, { target: 4, foreign: 1, neutral: 0 }],
    ['regression: a soft hyphen or word joiner does not split a word', '我们计算。Wait, re\u00adcheck th\u2060is.', zh, { target: 2, foreign: 3, neutral: 0 }],
    ['regression: a shouted English sentence is prose, not acronyms', '我们先计算总和。WAIT LET ME RECHECK THIS AGAIN CAREFULLY.', zh, { target: 4, foreign: 7, neutral: 0 }],
    ['regression: numbers and single letters do not break a shouted run', '我们计算。CHECK STEP 2 AGAIN, I THINK.', zh, { target: 2, foreign: 4, neutral: 2 }],
    ['regression: leetspeak with 3+ letters is a word; "l3t", "m3" stay variables', '我们先计算总和。wa1t l3t m3 r3ch3ck th1s ag41n', zh, { target: 4, foreign: 4, neutral: 2 }],
    ['guard: acronyms, variables and units stay neutral', '用GPU和API计算x2、3n和5cm', zh, { target: 4, foreign: 0, neutral: 5 }],
    ['guard: two acronyms side by side are not shouting', '我们用 CUDA GPU 计算', zh, { target: 3, foreign: 0, neutral: 2 }],
    ['guard: an ALL-CAPS word longer than an acronym is judged as a name', '根据NVIDIA的数据', zh, { target: 3, foreign: 0, neutral: 1 }],
  ];
  it.each(rows)('%s', (_why, text, target, expected) => {
    expect(countWords(text, target)).toMatchObject(expected);
  });

  it('labels foreign words by language or script in byLanguage', () => {
    expect(countWords('我们 hello мир', zh).byLanguage).toEqual({ zh: 1, latin: 1, cyrillic: 1 });
  });
});

describe('Latin-script targets other than English: one language per sentence', async () => {
  const es: Target = { code: 'es', script: 'Latin' };
  const identify = await loadIdentifier('es');
  type Row = [string, string, { target: number; foreign: number }];
  const rows: Row[] = [
    // [why, text, counts]
    ['all Spanish', 'Primero calculamos la suma de los dos números. Luego multiplicamos por tres.', { target: 12, foreign: 0 }],
    ['an English sentence in a Spanish CoT', 'Primero calculamos la suma. Wait, let me check the arithmetic again.', { target: 4, foreign: 7 }],
    ['a short sentence takes the language of the one before it', 'Primero calculamos la suma de los números. Bien.', { target: 8, foreign: 0 }],
    ['a lone short sentence is judged with the whole text', 'Hola amigo.', { target: 2, foreign: 0 }],
    ['Chinese in a Spanish CoT is foreign by script, without the identifier', 'Calculamos la suma. 我们计算', { target: 3, foreign: 2 }],
  ];
  it.each(rows)('%s', (_why, text, expected) => {
    expect(countWords(text, es, identify)).toMatchObject(expected);
  });
});

describe('stripNonProse', () => {
  type Row = [string, string, string];
  const rows: Row[] = [
    // [why, text, what must be gone]
    ['fenced code', 'a\n```py\nprint(1)\n```\nb', 'print'],
    ['an unclosed fence runs to the end (truncated completion)', 'a ```py\nprint(1)', 'print'],
    ['a LaTeX environment', '\\begin{align} x &= y \\end{align}', 'align'],
    ['display math', '$$\\frac{a}{b}$$ and \\[c\\]', 'frac'],
    ['inline math', 'so \\(x^2\\) grows', 'x^2'],
    ['a URL', 'see https://example.com/path?q=1 now', 'example'],
    ['an e-mail address', 'mail me@example.com', 'example'],
    ['an HTML tag', 'a <span class="x">b</span>', 'span'],
    ['regression: Unicode format characters (zero-width space, bidi mark)', 'w\u200ba\u200eit', '\u200b'],
  ];
  it.each(rows)('%s', (_why, text, gone) => {
    expect(stripNonProse(text)).not.toContain(gone);
  });

  it('keeps comparisons that only look like tags', () => {
    expect(stripNonProse('if a < b and c > d')).toContain('and');
  });
});

describe('splitThink (lenient)', () => {
  type Row = [string, string, boolean, { think: string; answer: string }];
  const rows: Row[] = [
    // [why, completion, prefilled, split]
    ['one block then the answer', '<think>a</think> b', false, { think: 'a', answer: 'b' }],
    ['no think block: all answer', 'just b', false, { think: '', answer: 'just b' }],
    ['unclosed (truncated): all thinking', '<think>a and more', false, { think: 'a and more', answer: '' }],
    ['a lone </think>: the template prefilled <think>', 'a</think> b', false, { think: 'a', answer: 'b' }],
    ['prefilled param', 'a</think> b', true, { think: 'a', answer: 'b' }],
    ['several blocks read as one span', '<think>a</think>x<think>c</think> b', false, { think: 'a</think>x<think>c', answer: 'b' }],
  ];
  it.each(rows)('%s', (_why, completion, prefilled, expected) => {
    expect(splitThink(completion, prefilled)).toEqual(expected);
  });
});

describe('resolveTarget', () => {
  type Row = [string, string, Record<string, unknown> | undefined, string | undefined, string | null, string?];
  const rows: Row[] = [
    // [why, target param, metadata, prompt, resolved code, reason]
    ['an explicit code', 'zh', undefined, undefined, 'zh'],
    ['a region tag is reduced to the language', 'pt-BR', undefined, undefined, 'pt'],
    ['nb is Norwegian', 'nb', undefined, undefined, 'no'],
    ["the group's metadata.language overrides the param", 'en', { language: 'zh-CN' }, undefined, 'zh'],
    ['a Chinese prompt', 'same_as_prompt', undefined, '计算两个数的和', 'zh'],
    ['a Japanese prompt (kana)', 'same_as_prompt', undefined, '二つの数の和を計算してください', 'ja'],
    ['a Korean prompt', 'same_as_prompt', undefined, '두 수의 합을 구하시오', 'ko'],
    ['a Spanish prompt goes through the identifier', 'same_as_prompt', undefined, '¿Cuál es la suma de los dos números?', 'es'],
    ['a Chinese prompt quoting English is Chinese', 'same_as_prompt', undefined, '请用中文回答这个问题：What is 2+2?', 'zh'],
    ['no prompt to follow', 'same_as_prompt', undefined, undefined, null, 'no_target'],
    ['an unknown code', 'xx', undefined, undefined, null, 'unsupported_target'],
    ['a language name is not a code', 'English', undefined, undefined, null, 'unsupported_target'],
  ];
  it.each(rows)('%s', async (_why, target, metadata, prompt, code, reason) => {
    const resolved = await resolveTarget(target, metadata, prompt);
    if (code === null) expect(resolved).toMatchObject({ reason });
    else expect(resolved).toMatchObject({ target: { code } });
  });
});

describe('the rule', () => {
  const defaults = { target: 'same_as_prompt', scope: 'think', prefilled_think: false, min_words: 1, tau: 1 } as const;
  type Row = [string, string, Partial<Record<keyof typeof defaults, unknown>>, number | null, string?];
  const rows: Row[] = [
    // [why, completion, params, score, reason]
    ['scope think ignores an English answer', '<think>我们计算总和。</think> The answer is 4.', { target: 'zh' }, 1],
    ['scope think+answer counts it', '<think>我们计算总和。</think> The answer is four.', { target: 'zh', scope: 'think+answer' }, 3 / 7],
    ['scope answer alone', '<think>我们计算总和。</think> The answer is four.', { target: 'zh', scope: 'answer' }, 0],
    ['no think block: an empty CoT scores 0', 'The answer is four.', { target: 'en' }, 0, 'too_few_words'],
    ['a truncated CoT is still measured', '<think>We add the numbers and', { target: 'en' }, 1],
    ['prefilled <think>', 'We add them.</think> 4', { target: 'en', prefilled_think: true }, 1],
    ['fewer words than min_words scores 0', '<think>We add.</think> 4', { target: 'en', min_words: 3 }, 0, 'too_few_words'],
    ['only neutral tokens: no words, 0', '<think>$x=5$ 12 + 30 = 42</think> 42', { target: 'en' }, 0, 'too_few_words'],
    ['tau shapes: ratio 0.5 / tau 0.8', '<think>我们先计算总和。Wait, recheck this again.</think>', { target: 'zh', tau: 0.8 }, 0.625],
    ['tau caps at 1', '<think>我们计算总和。</think>', { target: 'zh', tau: 0.5 }, 1],
    ['regression: English hidden by zero-width spaces is drift: 4 of 5', '<think>我们先计算总和。w\u200ba\u200bi\u200bt</think>', { target: 'zh' }, 4 / 5],
    ['regression: a shouted English sentence is drift: 4 of 11', '<think>我们先计算总和。WAIT LET ME RECHECK THIS AGAIN CAREFULLY.</think>', { target: 'zh' }, 4 / 11],
    ['regression: leetspeak English is drift: 4 of 8', '<think>我们先计算总和。wa1t l3t m3 r3ch3ck th1s ag41n</think>', { target: 'zh' }, 4 / 8],
    ['unsupported target: not scored', '<think>hi</think>', { target: 'klingon' }, null, 'unsupported_target'],
  ];
  it.each(rows)('%s', async (_why, completion, params, score, reason) => {
    const result = await reward.score({ completion }, { ...defaults, ...params } as never, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('reports target, scope, method, word counts and neutral count', async () => {
    const result = await reward.score({ completion: '<think>我们计算。Wait, check 5 times.</think>' }, { ...defaults, target: 'zh' }, ctx);
    expect(result.details).toEqual({ target: 'zh', scope: 'think', method: 'script', ratio: 2 / 5, words: { zh: 2, latin: 3 }, neutral: 1 });
  });

  it("takes the group's metadata.language over the param", async () => {
    const result = await reward.score({ completion: '<think>我们计算总和。</think>', metadata: { language: 'en' } }, { ...defaults, target: 'zh' }, ctx);
    expect(result.score).toBe(0);
  });
});
