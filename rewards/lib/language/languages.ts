/**
 * The languages a target may name (ISO 639-1), the script each is written
 * in, and the label a foreign word of each script gets in `details`.
 */

/** Latin-script languages; those eld knows are identified per sentence, the others by script alone. */
const LATIN = [
  'en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'ca', 'da', 'sv', 'no', 'fi', 'et', 'lv', 'lt', 'pl', 'cs', 'sk', 'sl', 'hr',
  'bs', 'ro', 'hu', 'tr', 'az', 'id', 'ms', 'tl', 'vi', 'sq', 'is', 'ga', 'cy', 'eu', 'gl', 'af', 'sw', 'yo', 'ha', 'so',
  'uz', 'mt', 'lb', 'eo', 'la', 'ku',
];

const OTHER_SCRIPTS: Record<string, string> = {
  zh: 'Han', ja: 'Japanese', ko: 'Hangul',
  ru: 'Cyrillic', uk: 'Cyrillic', bg: 'Cyrillic', be: 'Cyrillic', mk: 'Cyrillic', sr: 'Cyrillic', kk: 'Cyrillic', ky: 'Cyrillic', mn: 'Cyrillic', tg: 'Cyrillic',
  el: 'Greek', ar: 'Arabic', fa: 'Arabic', ur: 'Arabic', ps: 'Arabic', he: 'Hebrew', yi: 'Hebrew',
  hi: 'Devanagari', mr: 'Devanagari', ne: 'Devanagari', bn: 'Bengali', pa: 'Gurmukhi', gu: 'Gujarati', or: 'Oriya',
  ta: 'Tamil', te: 'Telugu', kn: 'Kannada', ml: 'Malayalam', si: 'Sinhala', th: 'Thai', lo: 'Lao', km: 'Khmer',
  my: 'Myanmar', bo: 'Tibetan', ka: 'Georgian', hy: 'Armenian', am: 'Ethiopic',
};

export const LANGUAGE_SCRIPT: Readonly<Record<string, string>> = {
  ...Object.fromEntries(LATIN.map((code) => [code, 'Latin'])),
  ...OTHER_SCRIPTS,
};

/** Latin-script languages eld's extrasmall database identifies. */
export const ELD_LATIN = new Set(['az', 'ca', 'cs', 'da', 'de', 'en', 'es', 'et', 'eu', 'fi', 'fr', 'hr', 'hu', 'is', 'it', 'ku', 'lt', 'lv', 'ms', 'nl', 'no', 'pl', 'pt', 'ro', 'sk', 'sl', 'sq', 'sv', 'tl', 'tr', 'vi', 'yo']);

/** Scripts one language owns get its code; shared scripts are labelled by script ('latin', 'cyrillic'). */
const SCRIPT_LABEL: Record<string, string> = {
  Han: 'zh', Hiragana: 'ja', Katakana: 'ja', Hangul: 'ko', Greek: 'el', Thai: 'th', Georgian: 'ka', Armenian: 'hy',
  Sinhala: 'si', Khmer: 'km', Lao: 'lo', Myanmar: 'my', Tibetan: 'bo', Tamil: 'ta', Telugu: 'te', Kannada: 'kn',
  Malayalam: 'ml', Gujarati: 'gu', Gurmukhi: 'pa', Oriya: 'or',
};

export function scriptLabel(script: string): string {
  return SCRIPT_LABEL[script] ?? script.toLowerCase();
}

const ALIASES: Record<string, string> = { nb: 'no', nn: 'no', iw: 'he', in: 'id', ji: 'yi', fil: 'tl' };

/** 'zh-Hans-CN' -> 'zh', 'PT_br' -> 'pt', 'nb' -> 'no'; undefined when not a language this rule knows. */
export function normalizeLanguage(raw: string): string | undefined {
  const primary = raw.trim().toLowerCase().split(/[-_]/)[0];
  const code = ALIASES[primary] ?? primary;
  return code in LANGUAGE_SCRIPT ? code : undefined;
}
