/** language-consistency: word counting per script and per sentence, target resolution, the rule's params; one row per case. */
import { beforeAll, describe, expect, it } from 'vitest';
import { countWords, totalWords, type Target } from '../rewards/lib/language/count-words.ts';
import { loadDetector, scoreWords } from '../rewards/lib/language/identify.ts';
import { dominantPromptLanguage, promptLanguage, resolveTarget } from '../rewards/lib/language/resolve-target.ts';
import { stripNonProse } from '../rewards/lib/language/strip-non-prose.ts';
import { splitThink } from '../rewards/lib/text/split-think.ts';
import { forgetSegmentCounts } from '../rewards/lib/text/unspaced.ts';
import { reward } from '../rewards/language-consistency.ts';
import { PROSE } from './fixtures/language-segments.ts';

const ctx = { deadline: Date.now() + 60_000 };
const t = (code: string, script: string): Target => ({ code, script });
const zh = t('zh', 'Han');
const ja = t('ja', 'Japanese');
const ko = t('ko', 'Hangul');
const en = t('en', 'Latin');
const es = t('es', 'Latin');
const ru = t('ru', 'Cyrillic');
const fa = t('fa', 'Arabic');
const ar = t('ar', 'Arabic');
const th = t('th', 'Thai');
const hi = t('hi', 'Devanagari');

beforeAll(() => loadDetector());

type Counts = { target: number; foreign: number; neutral?: number };
type Row = [string, string, Target, Counts];

describe('countWords by script', () => {
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
    ['Han alone with no context is Chinese, even for a ja target', '東京大学。', ja, { target: 0, foreign: 2, neutral: 0 }],
    ['Japanese drift in a Chinese CoT', '我们计算。私は学生です。', zh, { target: 2, foreign: 4, neutral: 0 }],
    ['code, LaTeX, URLs and tags are not words', 'See `foo bar` and $x+y$ at https://x.io/a <b>ok</b>', en, { target: 4, foreign: 0, neutral: 0 }],
    ['an empty text has no words', '', en, { target: 0, foreign: 0, neutral: 0 }],
    [
      'regression: zero-width spaces between letters do not make "wait" four variables',
      '我们先计算总和。w\u200ba\u200bi\u200bt',
      zh,
      { target: 4, foreign: 1, neutral: 0 },
    ],
    ['regression: a soft hyphen or word joiner does not split a word', '我们计算。Wait, re\u00adcheck th\u2060is.', zh, { target: 2, foreign: 3, neutral: 0 }],
    [
      'regression: a shouted English sentence is prose, not acronyms',
      '我们先计算总和。WAIT LET ME RECHECK THIS AGAIN CAREFULLY.',
      zh,
      { target: 4, foreign: 7, neutral: 0 },
    ],
    ['regression: numbers and single letters do not break a shouted run', '我们计算。CHECK STEP 2 AGAIN, I THINK.', zh, { target: 2, foreign: 4, neutral: 2 }],
    [
      'regression: leetspeak with 3+ letters is a word; "l3t", "m3" stay variables',
      '我们先计算总和。wa1t l3t m3 r3ch3ck th1s ag41n',
      zh,
      { target: 4, foreign: 4, neutral: 2 },
    ],
    ['guard: acronyms, variables and units stay neutral', '用GPU和API计算x2、3n和5cm', zh, { target: 4, foreign: 0, neutral: 5 }],
    ['guard: two acronyms side by side are not shouting', '我们用 CUDA GPU 计算', zh, { target: 3, foreign: 0, neutral: 2 }],
    ['guard: an ALL-CAPS word longer than an acronym is judged as a name', '根据NVIDIA的数据', zh, { target: 3, foreign: 0, neutral: 1 }],
    ['regression: fullwidth letters are normalised into words', '我们计算。ｗａｉｔ ｃｈｅｃｋ ａｇａｉｎ', zh, { target: 2, foreign: 3, neutral: 0 }],
    ['regression: a Hangul filler reads as the blank it shows', '我们计算。wa\u3164it now', zh, { target: 2, foreign: 3, neutral: 0 }],
    [
      'regression: a word spelled out letter by letter is a word, not variables',
      '我们计算。w a i t l e t m e c h e c k',
      zh,
      { target: 2, foreign: 1, neutral: 13 },
    ],
    ['guard: three variables in a row stay neutral', '设x y z为三个数。', zh, { target: 5, foreign: 0, neutral: 3 }],
  ];
  it.each(rows)('%s', (_why, text, target, expected) => {
    expect(countWords(text, target)).toMatchObject(expected);
  });

  it('labels foreign words by language or script in byLanguage', () => {
    expect(countWords('我们 hello мир', zh).byLanguage).toEqual({ zh: 1, latin: 1, cyrillic: 1 });
  });
});

describe('every target is identified word by word, English included', () => {
  const rows: Row[] = [
    // [why, text, target, counts]
    ['regression: a Spanish chain of thought is not English', PROSE.es.slice(0, 3).join(' '), en, { target: 0, foreign: 25 }],
    ['regression: a French chain of thought is not English', PROSE.fr.slice(0, 3).join(' '), en, { target: 0, foreign: 29 }],
    ['regression: a German chain of thought is not English', PROSE.de.slice(0, 3).join(' '), en, { target: 0, foreign: 28 }],
    ['an English sentence in a Spanish CoT', 'Primero calculamos la suma. Wait, let me check the arithmetic again.', es, { target: 4, foreign: 7 }],
    [
      'a short sentence is judged with its neighbours',
      'Primero calculamos la suma de los números. Bien. Luego multiplicamos por tres.',
      es,
      { target: 12, foreign: 0 },
    ],
    ['regression: a one-word Spanish CoT cannot be told from Spanish', 'Sí.', es, { target: 1, foreign: 0 }],
    ['"Hi" alone is not Catalan: too short to be anything but the target', 'Hi', en, { target: 1, foreign: 0 }],
    [
      'a clause in another language inside a sentence',
      'Primero calculamos la suma de los dos números, but then we need to check the total again.',
      es,
      { target: 8, foreign: 9 },
    ],
    ['Chinese in a Spanish CoT is foreign by script', 'Calculamos la suma. 我们计算', es, { target: 3, foreign: 2 }],
    ['regression: Arabic drift inside a Persian CoT', `${PROSE.fa[0]} ${PROSE.ar[0]}`, fa, { target: 7, foreign: 4 }],
    ['Persian drift inside an Arabic CoT', `${PROSE.ar[2]} ${PROSE.fa[3]}`, ar, { target: 7, foreign: 11 }],
    ['Ukrainian is not Russian', `${PROSE.ru[0]} ${PROSE.ru[2]} ${PROSE.uk[3]}`, ru, { target: 13, foreign: 9 }],
    ['Hindi in Devanagari', PROSE.hi[0], hi, { target: 8, foreign: 0 }],
  ];
  it.each(rows)('%s', (_why, text, target, expected) => {
    expect(countWords(text, target)).toMatchObject(expected);
  });

  it('says which method judged the target script', () => {
    expect(countWords('We add.', en).method).toBe('identifier');
    expect(countWords('我们计算', zh).method).toBe('script');
    expect(countWords('Kami menghitung jumlahnya.', t('id', 'Latin'))).toMatchObject({ method: 'script', target: 3 });
  });
});

describe('context rules for Han, hanja and unspaced scripts', () => {
  const rows: Row[] = [
    // [why, text, target, counts]
    [
      'regression: a kanji-only sentence between Japanese sentences is Japanese',
      'まず、和を計算します。証明終了。次に確認します。',
      ja,
      { target: 12, foreign: 0 },
    ],
    ['regression: a kanji-only sentence closing a Japanese proof is Japanese', '和を計算します。数学的帰納法。', ja, { target: 9, foreign: 0 }],
    ['a simplified character marks Chinese even next to Japanese', '和を計算します。计算完成。', ja, { target: 5, foreign: 2 }],
    ['regression: Korean with hanja is Korean', '이 問題의 核心은 規則을 찾는 것입니다.', ko, { target: 9, foreign: 0 }],
    ['a Korean particle on a Latin variable is Korean, not a homoglyph', 'n이 매 호출마다 줄어듭니다.', ko, { target: 4, foreign: 0 }],
    ['a Han sentence after Korean ones is Korean', '먼저 두 수의 합을 계산합니다. 結論。', ko, { target: 6, foreign: 0 }],
    ['hanja-mixed Korean in a Chinese CoT is Korean, foreign', '我们先计算。이 問題의 核心은 規則을 찾는 것입니다.', zh, { target: 3, foreign: 9 }],
    // ก่อน|อื่น เรา|คำนวณ|ผล|รวม|ของ|สอง|จำนวน
    ['regression: a Thai run is segmented into words, not counted as one', 'ก่อนอื่น เราคำนวณผลรวมของสองจำนวน', th, { target: 9, foreign: 0 }],
    ['English drift in a Thai CoT', 'เราคำนวณผลรวม Wait, let me check.', th, { target: 4, foreign: 4 }], // เรา|คำนวณ|ผล|รวม
    ['Lao, Khmer and Burmese are segmented too', 'ພວກເຮົາຈະຄິດໄລ່ យើងនឹងគណនា ကျွန်ုပ်တို့တွက်ချက်မည်', th, { target: 0, foreign: 11 }], // 4 + 3 + 4
  ];
  it.each(rows)('%s', (_why, text, target, expected) => {
    expect(countWords(text, target)).toMatchObject(expected);
  });

  it('estimates past 800 characters of unspaced script not seen before from an even sample, within 3 %', () => {
    // 300 sentences drawn at random (seeded), each a new run: none counted before.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const parts = Array.from({ length: 300 }, (_, i) => `${PROSE.zh[Math.floor(next() * PROSE.zh.length)].slice(0, -1)}${'零一二三四五六七八九'[i % 10]}。`);
    const exact = parts.reduce((n, s) => n + totalWords(s, zh), 0);
    forgetSegmentCounts();
    const estimate = countWords(parts.join(''), zh).target;
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.03);
  });
});

describe('transliteration', () => {
  it('regression: English written in Cyrillic is foreign to a Russian target, and flagged', () => {
    const counts = countWords(`${PROSE.ru[0]} ${PROSE['en-Cyrl'][0]}`, ru);
    expect(counts).toMatchObject({ target: 5, foreign: 6, transliterated: 6, byLanguage: { ru: 5, 'en-Cyrl': 6 } });
  });
  it('guard: no Russian sentence of the pool reads as transliterated English', () => {
    expect(countWords(PROSE.ru.join(' '), ru).transliterated).toBe(0);
  });
});

describe('stripNonProse', () => {
  type StripRow = [string, string, string];
  const rows: StripRow[] = [
    // [why, text, what must be gone]
    ['fenced code', 'a\n```py\nprint(1)\n```\nb', 'print'],
    ['an unclosed fence runs to the end (truncated completion)', 'a ```py\nprint(1)', 'print'],
    ['a LaTeX environment', '\\begin{align} x &= y \\end{align}', 'align'],
    ['display math', '$$\\frac{a}{b}$$ and \\[c\\]', 'frac'],
    ['inline math', 'so \\(x^2\\) grows', 'x^2'],
    ['inline dollar math', 'so $\\text{area} = 5$ holds', 'area'],
    ['a URL', 'see https://example.com/path?q=1 now', 'example'],
    ['an e-mail address', 'mail me@example.com', 'example'],
    ['an HTML tag', 'a <span class="x">b</span>', 'span'],
    ['unfenced Python', 'We write it:\ndef solve(nums):\n    total = sum(nums)\n    return total', 'total'],
    ['unfenced JavaScript', 'Then:\nconst result = items.filter((x) => x > 0);', 'filter'],
    ['unfenced C', 'int main() {\n    return 0;\n}', 'main'],
    ['a call inside prose', 'the call print(answer) shows it', 'answer'],
    ['snake_case and dotted names inside prose', 'we pass num_list to np.array first', 'num_list'],
    ['unfenced Rust', 'fn main() {\n    let mut total = 0;\n    println!("{}", total);\n}', 'total'],
    ['unfenced Java', 'public static void main(String[] args) {\n    System.out.println(sum);\n}', 'static'],
    ['a shell prompt', 'Install it first:\n$ npm install eld', 'install'],
    ['a Python REPL line', '>>> sorted(values)', 'values'],
    ['a JSON member', 'The config:\n"name": "Alice",', 'Alice'],
    ['an indented block after a code line', 'while left < right:\n    mid = (left + right) // 2\n    left = mid + 1', 'left'],
  ];
  it.each(rows)('%s', (_why, text, gone) => {
    expect(stripNonProse(text)).not.toContain(gone);
  });

  type KeepRow = [string, string, string];
  const kept: KeepRow[] = [
    // [why, text, what must stay]
    ['regression: amounts of money are not LaTeX', 'The book costs $5 and the pen $2 in total.', 'and the pen'],
    ['regression: "$1,000 and $2" stays prose', 'We save $1,000 and spend $2 each day.', 'and spend'],
    ['comparisons that only look like tags', 'if a < b and c > d', 'and'],
    ['prose that opens with a capitalised keyword', 'Return to step 2 and check it.', 'Return to step'],
    ['a prose line with a colon', 'If the sum is even: we stop.', 'If the sum'],
    ['a line trailing off with an ellipsis', '... and then we add them.', 'and then we add'],
  ];
  it.each(kept)('%s', (_why, text, kept) => {
    expect(stripNonProse(text)).toContain(kept);
  });

  it('leaves formulas written plainly to the word rules: names bound to operators are neutral', () => {
    expect(countWords('So x^2 + 3x - 10 = 0, and sin(x) = 1 when a + b = c.', en)).toMatchObject({ target: 3, foreign: 0 });
  });
});

describe('splitThink (lenient)', () => {
  type SplitRow = [string, string, boolean, { think: string; answer: string }];
  const rows: SplitRow[] = [
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

describe('the prompt as evidence', () => {
  type PromptRow = [string, string, string | undefined];
  const rows: PromptRow[] = [
    // [language, prompt, identified: a language, or undefined when the prompt cannot tell]
    ['en', 'Hi', undefined], // regression: "Hi" was read as Catalan
    ['en', 'Hello!', undefined],
    ['en', 'What is 2+2?', undefined],
    ['en', 'Solve for x.', undefined],
    ['en', 'Is 91 prime?', undefined],
    ['en', 'Thanks', undefined],
    ['en', 'Find the derivative of x^2.', 'en'],
    ['en', 'How many primes are below 100?', 'en'],
    ['en', 'What is the capital of France?', 'en'],
    ['en', 'Write a function that reverses a string.', 'en'],
    ['es', 'Hola', undefined],
    ['es', '¿Cuánto es 2+2?', undefined],
    ['es', 'Gracias', undefined],
    ['es', '¿Cuántos primos hay por debajo de 100?', 'es'],
    ['es', 'Calcula la derivada de x^2.', 'es'],
    ['es', '¿Cuál es la capital de Francia?', 'es'],
    ['fr', 'Combien font deux plus deux ?', 'fr'],
    ['de', 'Wie viel ist zwei plus zwei?', 'de'],
    ['pt', 'Quanto é dois mais dois?', 'pt'],
    ['it', 'Quanto fa due più due?', 'it'],
    ['ru', 'Сколько будет два плюс два?', undefined], // as Ukrainian as Russian
    ['ru', 'Сначала вычислим сумму двух чисел, а затем умножим её на три.', 'ru'],
    ['ar', 'كم يساوي اثنان زائد اثنان؟', 'ar'],
    ['fa', 'دو به علاوه دو چند می‌شود؟', 'fa'],
    ['hi', 'दो और दो कितने होते हैं?', 'hi'],
    ['zh', '你好', undefined],
    ['zh', '计算两个数的和', 'zh'],
    ['zh', '请用中文回答这个问题：What is 2+2?', 'zh'],
    ['ja', '二つの数の和を計算してください', 'ja'],
    ['ko', '안녕', undefined],
    ['ko', '두 수의 합을 구하시오', 'ko'],
    ['th', 'สองบวกสองเท่ากับเท่าไร', 'th'],
  ];
  it.each(rows)('%s: %s', (_language, prompt, identified) => {
    expect(promptLanguage(prompt)).toBe(identified);
  });

  it("the batch's dominant language is the one more than half of the identified prompts are in", async () => {
    expect(await dominantPromptLanguage(['Hi', 'Find the derivative of x^2.', 'How many primes are below 100?', 'Calcula la derivada de x^2.'])).toEqual({
      language: 'en',
      prompts: 4,
      identified: 3,
    });
    expect((await dominantPromptLanguage(['Find the derivative of x^2.', 'Calcula la derivada de x^2.'])).language).toBeUndefined();
    expect((await dominantPromptLanguage(['Hi', 'Thanks'])).language).toBeUndefined();
  });

  // It runs in the HTTP process: a huge prompt must not hold the event loop, so only its head is read.
  it("reads each prompt's first 2,000 characters only", async () => {
    const spanish = 'Calcula la derivada de la función y explica cada paso con cuidado. '.repeat(40);
    const english = 'Compute the derivative of the function and explain every step with care. '.repeat(100_000);
    expect(spanish.length).toBeGreaterThan(2_000);
    expect((await dominantPromptLanguage([spanish + english, spanish + english.slice(1)])).language).toBe('es');
  });
});

describe('resolveTarget', () => {
  type TargetRow = [string, Parameters<typeof resolveTarget>[0], string | null, string];
  const rows: TargetRow[] = [
    // [why, request, resolved code, source or reason]
    ['an explicit code', { target: 'zh' }, 'zh', 'param'],
    ['a region tag is reduced to the language', { target: 'pt-BR' }, 'pt', 'param'],
    ['nb is Norwegian', { target: 'nb' }, 'no', 'param'],
    ["the group's metadata.language overrides the param", { target: 'en', metadata: { language: 'zh-CN' } }, 'zh', 'metadata'],
    ['a Chinese prompt', { target: 'same_as_prompt', prompt: '计算两个数的和' }, 'zh', 'prompt'],
    ['a Spanish prompt goes through the identifier', { target: 'same_as_prompt', prompt: '¿Cuál es la suma de los dos números?' }, 'es', 'prompt'],
    ['regression: "Hi" is no evidence; default_language decides', { target: 'same_as_prompt', prompt: 'Hi', default_language: 'en' }, 'en', 'default_language'],
    [
      'a prompt with evidence wins over default_language',
      { target: 'same_as_prompt', prompt: 'Calcula la derivada de x^2.', default_language: 'en' },
      'es',
      'prompt',
    ],
    ["then the batch's dominant language", { target: 'same_as_prompt', prompt: 'Hola', batchLanguage: 'es' }, 'es', 'batch'],
    ['no prompt and nothing else', { target: 'same_as_prompt' }, null, 'no_target'],
    ['a short prompt and nothing else: not a guess', { target: 'same_as_prompt', prompt: 'Hi' }, null, 'no_target'],
    ['an unknown code', { target: 'xx' }, null, 'unsupported_target'],
    ['a language name is not a code', { target: 'English' }, null, 'unsupported_target'],
    ['an unknown default_language', { target: 'same_as_prompt', prompt: 'Hi', default_language: 'klingon' }, null, 'unsupported_target'],
  ];
  it.each(rows)('%s', (_why, request, code, sourceOrReason) => {
    const resolved = resolveTarget(request);
    if (code === null) expect(resolved).toMatchObject({ reason: sourceOrReason });
    else expect(resolved).toMatchObject({ target: { code }, source: sourceOrReason });
  });
});

describe('identification by summed word scores', () => {
  it("agrees with eld's own verdict on whole sentences (guards the recovery of eld's raw scores)", async () => {
    const detector = await loadDetector();
    const sentences = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'tr', 'vi'].flatMap((l) => PROSE[l]).filter((s) => s.split(' ').length >= 4);
    const agree = sentences.filter((s) => scoreWords(s.toLowerCase().match(/[\p{L}']+/gu)!, 'Latin').label('') === detector.detect(s).language);
    expect(agree.length / sentences.length).toBeGreaterThan(0.97);
  });
});

describe('the rule', () => {
  const defaults = { target: 'same_as_prompt', scope: 'think', prefilled_think: false, min_words: 1, tau: 1 } as const;
  type RuleRow = [string, string, Partial<Record<keyof typeof defaults | 'default_language', unknown>>, number | null, string?];
  const rows: RuleRow[] = [
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
    [
      'regression: a shouted English sentence is drift: 4 of 11',
      '<think>我们先计算总和。WAIT LET ME RECHECK THIS AGAIN CAREFULLY.</think>',
      { target: 'zh' },
      4 / 11,
    ],
    ['regression: leetspeak English is drift: 4 of 8', '<think>我们先计算总和。wa1t l3t m3 r3ch3ck th1s ag41n</think>', { target: 'zh' }, 4 / 8],
    ['regression: an English target scores a Spanish CoT 0, not 1', `<think>${PROSE.es.slice(0, 4).join(' ')}</think> 4`, { target: 'en' }, 0],
    ['unsupported target: not scored', '<think>hi</think>', { target: 'klingon' }, null, 'unsupported_target'],
  ];
  it.each(rows)('%s', async (_why, completion, params, score, reason) => {
    const result = await reward.score({ completion }, { ...defaults, ...params } as never, ctx);
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 12);
    if (reason) expect(result.reason).toBe(reason);
  });

  it('reports target, its source, scope, method, word counts and neutral count', async () => {
    const result = await reward.score({ completion: '<think>我们计算。Wait, check 5 times.</think>' }, { ...defaults, target: 'zh' }, ctx);
    expect(result.details).toEqual({
      target: 'zh',
      target_source: 'param',
      scope: 'think',
      method: 'script',
      ratio: 2 / 5,
      words: { zh: 2, latin: 3 },
      neutral: 1,
    });
  });

  // A cell that returns a promise costs its pool worker a re-armed SIGINT watchdog (src/pool/worker.ts).
  it('scores synchronously once eld is loaded, with a prompt to identify too', () => {
    const sample = { prompt: 'Calcula la derivada de x^2, por favor.', completion: '<think>Primero derivamos el término cuadrático.</think> 2x' };
    const result = reward.score(sample, defaults, ctx);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ score: 1, details: { target: 'es', target_source: 'prompt' } });
  });

  it("takes the group's metadata.language over the param", async () => {
    const result = await reward.score({ completion: '<think>我们计算总和。</think>', metadata: { language: 'en' } }, { ...defaults, target: 'zh' }, ctx);
    expect(result).toMatchObject({ score: 0, details: { target_source: 'metadata' } });
  });

  it("regression: a short prompt is no evidence; the batch's language decides, and says so", async () => {
    const sample = { prompt: 'Hola', completion: '<think>Primero calculamos la suma de los dos números.</think> 4', batch: { prompt_language: 'es' } };
    expect(await reward.score(sample, defaults, ctx)).toMatchObject({ score: 1, details: { target: 'es', target_source: 'batch' } });
    const { batch: _, ...alone } = sample;
    expect(await reward.score(alone, defaults, ctx)).toMatchObject({ score: null, reason: 'no_target' });
  });

  it("computes the batch's dominant language only when a group may need it", async () => {
    const groups = [{ prompt: 'Hola' }, { prompt: '¿Cuántos primos hay por debajo de 100?' }, { prompt: 'Calcula la derivada de x^2.' }];
    expect(await reward.batchContext!(groups, defaults as never)).toEqual({ prompt_language: 'es' });
    expect(await reward.batchContext!(groups, { ...defaults, target: 'en' } as never)).toBeUndefined();
    expect(await reward.batchContext!(groups, { ...defaults, default_language: 'en' } as never)).toBeUndefined();
    expect(await reward.batchContext!([{ prompt: 'Hi', metadata: { language: 'en' } }], defaults as never)).toBeUndefined();
  });

  it('reports transliterated words', async () => {
    const result = await reward.score({ completion: `<think>${PROSE.ru[0]} ${PROSE['en-Cyrl'][1]}</think>` }, { ...defaults, target: 'ru' }, ctx);
    expect(result.details).toMatchObject({ transliterated: 5, words: { ru: 5, 'en-Cyrl': 5 } });
  });
});
