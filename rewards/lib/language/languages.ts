/**
 * The languages a target may name (ISO 639-1), the script each is written
 * in, which of them the identifier (eld) tells apart within their script,
 * and the label a foreign word of each script gets in `details`.
 */

const LATIN = [
  'en',
  'es',
  'fr',
  'de',
  'it',
  'pt',
  'nl',
  'ca',
  'da',
  'sv',
  'no',
  'fi',
  'et',
  'lv',
  'lt',
  'pl',
  'cs',
  'sk',
  'sl',
  'hr',
  'bs',
  'ro',
  'hu',
  'tr',
  'az',
  'id',
  'ms',
  'tl',
  'vi',
  'sq',
  'is',
  'ga',
  'cy',
  'eu',
  'gl',
  'af',
  'sw',
  'yo',
  'ha',
  'so',
  'uz',
  'mt',
  'lb',
  'eo',
  'la',
];

const OTHER_SCRIPTS: Record<string, string> = {
  zh: 'Han',
  ja: 'Japanese',
  ko: 'Hangul',
  ru: 'Cyrillic',
  uk: 'Cyrillic',
  bg: 'Cyrillic',
  be: 'Cyrillic',
  mk: 'Cyrillic',
  sr: 'Cyrillic',
  kk: 'Cyrillic',
  ky: 'Cyrillic',
  mn: 'Cyrillic',
  tg: 'Cyrillic',
  el: 'Greek',
  ar: 'Arabic',
  fa: 'Arabic',
  ur: 'Arabic',
  ps: 'Arabic',
  ku: 'Arabic',
  he: 'Hebrew',
  yi: 'Hebrew',
  hi: 'Devanagari',
  mr: 'Devanagari',
  ne: 'Devanagari',
  bn: 'Bengali',
  pa: 'Gurmukhi',
  gu: 'Gujarati',
  or: 'Oriya',
  ta: 'Tamil',
  te: 'Telugu',
  kn: 'Kannada',
  ml: 'Malayalam',
  si: 'Sinhala',
  th: 'Thai',
  lo: 'Lao',
  km: 'Khmer',
  my: 'Myanmar',
  bo: 'Tibetan',
  ka: 'Georgian',
  hy: 'Armenian',
  am: 'Ethiopic',
};

export const LANGUAGE_SCRIPT: Readonly<Record<string, string>> = {
  ...Object.fromEntries(LATIN.map((code) => [code, 'Latin'])),
  ...OTHER_SCRIPTS,
};

/**
 * Scripts several languages share, with the languages eld's extrasmall
 * database knows in each: a sentence in one of these scripts is given the
 * most likely of them. Other scripts name their language alone.
 */
export const IDENTIFIED_SCRIPTS: Readonly<Record<string, readonly string[]>> = {
  Latin: [
    'az',
    'ca',
    'cs',
    'da',
    'de',
    'en',
    'es',
    'et',
    'eu',
    'fi',
    'fr',
    'hr',
    'hu',
    'is',
    'it',
    'lt',
    'lv',
    'ms',
    'nl',
    'no',
    'pl',
    'pt',
    'ro',
    'sk',
    'sl',
    'sq',
    'sv',
    'tl',
    'tr',
    'vi',
    'yo',
  ],
  Cyrillic: ['be', 'bg', 'ru', 'sr', 'uk'],
  Arabic: ['ar', 'fa', 'ku', 'ur'],
  Devanagari: ['hi', 'mr'],
};

/** The target's own script is told apart word by word from its neighbours: eld knows the target. */
export function identifiable(code: string): boolean {
  return IDENTIFIED_SCRIPTS[LANGUAGE_SCRIPT[code]]?.includes(code) ?? false;
}

/**
 * Scripts one language owns get its code; shared scripts are labelled by
 * script ('latin', 'cyrillic'). Han and kana, always in unspaced runs, are
 * labelled by their sentence (han-context.ts).
 */
const SCRIPT_LABEL: Record<string, string> = {
  Hangul: 'ko',
  Greek: 'el',
  Thai: 'th',
  Georgian: 'ka',
  Armenian: 'hy',
  Sinhala: 'si',
  Khmer: 'km',
  Lao: 'lo',
  Myanmar: 'my',
  Tibetan: 'bo',
  Tamil: 'ta',
  Telugu: 'te',
  Kannada: 'kn',
  Malayalam: 'ml',
  Gujarati: 'gu',
  Gurmukhi: 'pa',
  Oriya: 'or',
  Bengali: 'bn',
  Ethiopic: 'am',
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
