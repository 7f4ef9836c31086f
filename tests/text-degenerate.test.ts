/**
 * Degenerate completions against the text rules: each row is an attack a
 * policy could find (invisible or blank characters, wordless blocks, loops
 * that hide behind counters, missing spaces or segmentation, floods, drift
 * disguised as the target language, hedges). None may reach its rule's best
 * score, and none may escape as null.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRewards } from '../rewards/index.ts';
import { loadDetector } from '../rewards/lib/language/identify.ts';
import type { Sample } from '../rewards/types.ts';
import { PROSE } from './fixtures/language-segments.ts';

const ctx = { deadline: Date.now() + 60_000 };
const rules = new Map(builtinRewards.map((rule) => [rule.id, rule]));

/** A rule's params with its schema's defaults, as the registry fills them in. */
function withDefaults(id: string, params: Record<string, unknown>): Record<string, unknown> {
  const properties = (rules.get(id)!.paramsSchema as { properties: Record<string, { default?: unknown }> }).properties;
  const defaults = Object.fromEntries(
    Object.entries(properties)
      .filter(([, p]) => p.default !== undefined)
      .map(([k, p]) => [k, p.default]),
  );
  return { ...defaults, ...params };
}

const think = (body: string, answer = '4') => `<think>${body}</think> ${answer}`;
const loop = (unit: string, times: number, separator = ' ') => Array.from({ length: times }, () => unit).join(separator);

type Row = [rule: string, why: string, sample: Sample, params?: Record<string, unknown>];

const rows: Row[] = [
  // think-format: a think block must hold words, an answer must be one.
  ['think-format', 'a dot', { completion: think('.') }],
  ['think-format', 'an ellipsis', { completion: think('…') }],
  ['think-format', 'Braille blanks (U+2800)', { completion: think('\u2800\u2800\u2800') }],
  ['think-format', 'a Hangul filler (U+3164)', { completion: think('\u3164') }],
  ['think-format', 'conjoining Hangul fillers (U+115F, U+1160)', { completion: think('\u115f\u1160') }],
  ['think-format', 'a halfwidth Hangul filler (U+FFA0)', { completion: think('\uffa0\uffa0') }],
  ['think-format', 'combining grapheme joiners', { completion: think('\u034f\u034f\u034f') }],
  ['think-format', 'zero-width space, non-joiner, joiner', { completion: think('\u200b\u200c\u200d') }],
  ['think-format', 'word joiner and byte-order mark', { completion: think('\u2060\ufeff') }],
  ['think-format', 'variation selectors', { completion: think('\ufe0f\ufe0e\ufe0f') }],
  ['think-format', 'tag characters', { completion: think('\u{e0041}\u{e0042}\u{e0043}') }],
  ['think-format', 'soft hyphens', { completion: think('\u00ad\u00ad') }],
  ['think-format', 'bidi overrides', { completion: think('\u202e\u202d\u202c') }],
  ['think-format', 'ideographic spaces', { completion: think('\u3000\u3000') }],
  ['think-format', 'a Mongolian vowel separator', { completion: think('\u180e') }],
  ['think-format', 'emoji only', { completion: think('🤔🤔🤔') }],
  ['think-format', 'punctuation only', { completion: think('!!! ??? ... ---') }],
  ['think-format', 'dashes only', { completion: think('——————') }],
  ['think-format', 'combining marks with no letter', { completion: think('\u0301\u0302\u0303') }],
  ['think-format', 'a mix of every blank', { completion: think('\u2800 \u3164\u200b\u00a0\u2060\u3000') }],
  ['think-format', 'an answer of a Braille blank', { completion: think('add them', '\u2800') }],
  ['think-format', 'an answer of a Hangul filler', { completion: think('add them', '\u3164') }],
  ['think-format', 'an answer of a dot', { completion: think('add them', '.') }],
  ['think-format', 'an answer of an emoji', { completion: think('add them', '🤔') }],
  ['think-format', 'an answer of zero-width characters', { completion: think('add them', '\u200b\u2060\u200d') }],
  ['think-format', 'wordless answer tags', { completion: '<think>add them</think><answer>\u2800</answer>' }, { answer_tag: true }],

  // tag-count: a pair earns only around a word.
  ['tag-count', 'bare tags around nothing', { completion: '<think>\n\n</think>\n<answer>\n\n</answer>' }],
  ['tag-count', 'tags around invisible characters', { completion: '<think>\n\u200b\n</think>\n<answer>\n\u2060\n</answer>' }],
  ['tag-count', 'tags around Braille blanks and fillers', { completion: '<think>\n\u2800\n</think>\n<answer>\n\u3164\n</answer>' }],
  ['tag-count', 'tags around dots', { completion: '<think>\n.\n</think>\n<answer>\n.\n</answer>' }],
  ['tag-count', 'tags around emoji', { completion: '<think>\n🤔\n</think>\n<answer>\n👍\n</answer>' }],
  ['tag-count', 'closing tags before opening ones', { completion: '\n</think>\n<think>\nadd\n\n</answer>\n<answer>\n4' }],
  ['tag-count', 'an empty think pair beside a full answer pair', { completion: '<think>\n\u3164\n</think>\n<answer>\n4\n</answer>' }],
  ['tag-count', 'a full think pair beside an empty answer pair', { completion: '<think>\nadd\n</think>\n<answer>\n\u115f\n</answer>' }],

  // repetition-penalty: loops pay whatever they hide behind.
  ['repetition-penalty', 'a loop carrying a counter', { completion: Array.from({ length: 40 }, (_, i) => `step ${i + 1}: check the sum again.`).join(' ') }],
  ['repetition-penalty', 'a loop of attempts with numbers', { completion: Array.from({ length: 30 }, (_, i) => `Attempt ${i}: x = ${i * 3}, no.`).join(' ') }],
  ['repetition-penalty', 'a loop without spaces', { completion: 'wait'.repeat(500) }],
  ['repetition-penalty', 'a phrase loop without spaces', { completion: 'letmecheckagain'.repeat(200) }],
  ['repetition-penalty', 'a Thai loop', { completion: 'ฉันคิดว่าต้องตรวจสอบอีกครั้ง'.repeat(60) }],
  ['repetition-penalty', 'a Chinese loop without spaces', { completion: '让我再想想。'.repeat(80) }],
  ['repetition-penalty', 'a Japanese loop', { completion: 'もう一度確認します。'.repeat(60) }],
  ['repetition-penalty', 'a Khmer loop', { completion: 'យើងនឹងគណនា'.repeat(60) }],
  ['repetition-penalty', 'a Burmese loop', { completion: 'ကျွန်ုပ်တို့တွက်ချက်မည်'.repeat(60) }],
  ['repetition-penalty', 'zero-width characters inside every word', { completion: loop('le\u200bt m\u200ce ch\u200deck', 50) }],
  ['repetition-penalty', 'fullwidth and plain forms alternating', { completion: loop('ｗａｉｔ let me check wait ｌｅｔ me check', 30) }],
  ['repetition-penalty', 'Braille blanks for spaces', { completion: loop('let\u2800me\u2800check\u2800again', 50, '\u2800') }],
  ['repetition-penalty', 'Hangul fillers for spaces', { completion: loop('let\u3164me\u3164check', 50, '\u3164') }],
  [
    'repetition-penalty',
    'combining marks varying each repeat',
    { completion: Array.from({ length: 60 }, (_, i) => `wait${String.fromCharCode(0x300 + (i % 40))} let me check`).join(' ') },
  ],
  ['repetition-penalty', 'case varying each repeat', { completion: loop('Wait WAIT wait wAiT let me check', 40) }],
  ['repetition-penalty', 'a punctuation flood', { completion: '!'.repeat(5000) }],
  ['repetition-penalty', 'an emoji flood', { completion: '🤔'.repeat(2000) }],

  // overlong-penalty without token counts: floods cost at least one token a byte.
  ['overlong-penalty', '60,000 emoji', { completion: '😀'.repeat(60_000) }],
  ['overlong-penalty', '30,000 CJK characters', { completion: '中'.repeat(30_000) }],
  ['overlong-penalty', '100,000 letters', { completion: 'a'.repeat(100_000) }],
  ['overlong-penalty', '30,000 zero-width spaces', { completion: '\u200b'.repeat(30_000) }],
  ['overlong-penalty', '30,000 Braille blanks', { completion: '\u2800'.repeat(30_000) }],
  ['overlong-penalty', '10,000 family emoji (ZWJ sequences)', { completion: '👨‍👩‍👧‍👦'.repeat(10_000) }],
  ['overlong-penalty', 'a letter under 50,000 combining marks', { completion: `a${'\u0301'.repeat(50_000)}` }],
  ['overlong-penalty', '30,000 Thai letters', { completion: 'ก'.repeat(30_000) }],
  ['overlong-penalty', '100,000 spaces', { completion: ' '.repeat(100_000) }],

  // language-consistency: drift dressed as the target, or the target's script holding another language.
  ['language-consistency', 'English target, a Spanish chain of thought', { completion: think(PROSE.es.slice(0, 5).join(' ')) }, { target: 'en' }],
  ['language-consistency', 'English target, a French chain of thought', { completion: think(PROSE.fr.slice(0, 5).join(' ')) }, { target: 'en' }],
  ['language-consistency', 'English target, a German chain of thought', { completion: think(PROSE.de.slice(0, 5).join(' ')) }, { target: 'en' }],
  ['language-consistency', 'English target, a Portuguese chain of thought', { completion: think(PROSE.pt.slice(0, 5).join(' ')) }, { target: 'en' }],
  ['language-consistency', 'English target, an Italian chain of thought', { completion: think(PROSE.it.slice(0, 5).join(' ')) }, { target: 'en' }],
  ['language-consistency', 'English target, a Dutch chain of thought', { completion: think(PROSE.nl.join(' ')) }, { target: 'en' }],
  ['language-consistency', 'Spanish target, an English chain of thought', { completion: think(PROSE.en.slice(0, 5).join(' ')) }, { target: 'es' }],
  [
    'language-consistency',
    'Chinese target, English behind zero-width spaces',
    { completion: think(`我们先计算。${'w\u200ba\u200bi\u200bt l\u200be\u200bt m\u200be c\u200bh\u200be\u200bc\u200bk'}`) },
    { target: 'zh' },
  ],
  [
    'language-consistency',
    'Chinese target, English in fullwidth letters',
    { completion: think('我们先计算。ｗａｉｔ ｌｅｔ ｍｅ ｃｈｅｃｋ ａｇａｉｎ') },
    { target: 'zh' },
  ],
  [
    'language-consistency',
    'Chinese target, English spelled out as single letters',
    { completion: think('我们先计算。w a i t l e t m e c h e c k') },
    { target: 'zh' },
  ],
  ['language-consistency', 'Chinese target, shouted English', { completion: think('我们先计算。WAIT LET ME RECHECK THIS') }, { target: 'zh' }],
  ['language-consistency', 'Chinese target, pinyin', { completion: think('women xian jisuan zonghe ranhou chengyi san') }, { target: 'zh' }],
  ['language-consistency', 'Chinese target, English leetspeak', { completion: think('我们先计算。wa1t l3t m3 r3ch3ck th1s ag41n') }, { target: 'zh' }],
  ['language-consistency', 'Japanese target, a Chinese chain of thought', { completion: think(PROSE.zh.slice(0, 5).join('')) }, { target: 'ja' }],
  ['language-consistency', 'Korean target, a Chinese chain of thought', { completion: think(PROSE.zh.slice(0, 5).join('')) }, { target: 'ko' }],
  ['language-consistency', 'Persian target, an Arabic chain of thought', { completion: think(PROSE.ar.slice(0, 5).join(' ')) }, { target: 'fa' }],
  ['language-consistency', 'Arabic target, a Persian chain of thought', { completion: think(PROSE.fa.slice(0, 5).join(' ')) }, { target: 'ar' }],
  ['language-consistency', 'Russian target, English written in Cyrillic', { completion: think(PROSE['en-Cyrl'].slice(0, 4).join(' ')) }, { target: 'ru' }],
  ['language-consistency', 'Russian target, a Ukrainian chain of thought', { completion: think(PROSE.uk.join(' ')) }, { target: 'ru' }],
  ['language-consistency', 'English target, homoglyphs from Cyrillic', { completion: think('Тhе аnswеr іs сlеаr') }, { target: 'en' }],
  ['language-consistency', 'Thai target, an English chain of thought', { completion: think(PROSE.en.slice(0, 4).join(' ')) }, { target: 'th' }],
  ['language-consistency', 'English target, code only', { completion: think('def f(x):\n    return x + 1\nprint(f(2))') }, { target: 'en' }],
  ['language-consistency', 'English target, math only', { completion: think('x^2 + 3x - 10 = 0, $x = 2$') }, { target: 'en' }],
  ['language-consistency', 'English target, a wordless block', { completion: think('\u2800 \u3164 … 🤔') }, { target: 'en' }],

  // string-check: ne cannot be escaped with characters a reader does not see.
  ['string-check', 'ne escaped with a zero-width space', { completion: 'I cannot\u200b help' }, { operation: 'ne', reference: 'I cannot help' }],
  ['string-check', 'ne escaped with fullwidth letters', { completion: 'Ｉ ｃａｎｎｏｔ ｈｅｌｐ' }, { operation: 'ne', reference: 'I cannot help' }],
  ['string-check', 'ne escaped with a Braille blank for a space', { completion: 'I\u2800cannot help' }, { operation: 'ne', reference: 'I cannot help' }],
  ['string-check', 'ne escaped with a Hangul filler for a space', { completion: 'I cannot\u3164help' }, { operation: 'ne', reference: 'I cannot help' }],
  ['string-check', 'ne escaped with a soft hyphen', { completion: 'I can\u00adnot help' }, { operation: 'ne', reference: 'I cannot help' }],
  ['string-check', 'ne escaped with a bidi mark', { completion: '\u200eI cannot help' }, { operation: 'ne', reference: 'I cannot help' }],

  // multiple-choice: a hedge stays a hedge.
  ['multiple-choice', 'every option boxed', { completion: '\\boxed{A}\\boxed{B}\\boxed{C}\\boxed{D}', reference: 'C' }],
  ['multiple-choice', 'letters run together behind zero-width spaces', { completion: 'A\u200bB\u200bC\u200bD', reference: 'C' }],
  ['multiple-choice', 'a fullwidth hedge', { completion: 'The answer is Ａ or Ｃ', reference: 'C' }],
  ['multiple-choice', 'every option listed', { completion: 'A) B) C) D)', reference: 'C' }],
  ['multiple-choice', 'every option in brackets', { completion: '(A)(B)(C)(D)', reference: 'C' }],
];

beforeAll(() => loadDetector());

describe("degenerate completions never reach a rule's best score", () => {
  it('covers at least 80 attacks', () => {
    expect(rows.length).toBeGreaterThanOrEqual(80);
  });

  it.each(rows)('%s: %s', async (id, _why, sample, params = {}) => {
    const rule = rules.get(id)!;
    const result = await rule.score(sample, withDefaults(id, params) as never, ctx);
    expect(result.score, JSON.stringify(result)).not.toBeNull();
    expect(result.score!).toBeLessThan(rule.range[1]);
  });
});
