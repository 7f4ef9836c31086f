/**
 * The language identifiers on npm compared on the sentences of the
 * language-consistency corpus (tests/fixtures/language-segments.ts, 14
 * languages written in Latin, Cyrillic, Arabic and Devanagari): share of
 * sentences given their language, unrestricted and restricted to the
 * languages of the sentence's script (as the rule asks), on sentences of up
 * to 4 words, and CPU µs per sentence. Only eld is a dependency; the others
 * are read from DETECTORS_DIR (a node_modules folder) when set:
 *   mkdir /tmp/d && npm --prefix /tmp/d install franc franc-min tinyld cld3-asm languagedetect
 *   DETECTORS_DIR=/tmp/d/node_modules node --import tsx bench/language-detectors.ts
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IDENTIFIED_SCRIPTS } from '../rewards/lib/language/languages.ts';
import { PROSE } from '../tests/fixtures/language-segments.ts';
import { fmt } from './lib.ts';

type Ranked = Array<[string, number]>;
type Detect = (text: string) => Ranked;

const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'tr', 'vi', 'ru', 'uk', 'ar', 'fa', 'hi'];
const SCRIPT: Record<string, string> = { ru: 'Cyrillic', uk: 'Cyrillic', ar: 'Arabic', fa: 'Arabic', hi: 'Devanagari' };
const ISO3: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  por: 'pt',
  ita: 'it',
  rus: 'ru',
  ukr: 'uk',
  arb: 'ar',
  pes: 'fa',
  hin: 'hi',
  nld: 'nl',
  tur: 'tr',
  vie: 'vi',
  cat: 'ca',
  glg: 'gl',
  bul: 'bg',
  srp: 'sr',
  mar: 'mr',
  urd: 'ur',
  ron: 'ro',
};

async function load(name: string, entry?: string): Promise<any> {
  const dir = process.env.DETECTORS_DIR;
  if (!dir) return undefined;
  try {
    return await import(pathToFileURL(path.join(dir, name, entry ?? '')).href);
  } catch {
    return undefined;
  }
}

const detectors: Record<string, Detect> = {};
const { eld } = await import('eld/extrasmall');
detectors['eld (extrasmall)'] = (t) => Object.entries(eld.detect(t).getScores()) as Ranked;
const franc = await load('franc', 'index.js');
if (franc) detectors.franc = (t) => franc.francAll(t, { minLength: 1 }).map(([l, s]: [string, number]) => [ISO3[l] ?? l, s]);
const francMin = await load('franc-min', 'index.js');
if (francMin) detectors['franc-min'] = (t) => francMin.francAll(t, { minLength: 1 }).map(([l, s]: [string, number]) => [ISO3[l] ?? l, s]);
const tinyld = await load('tinyld', 'dist/tinyld.normal.node.mjs');
if (tinyld) detectors.tinyld = (t) => tinyld.detectAll(t).map((r: { lang: string; accuracy: number }) => [r.lang, r.accuracy]);
const cld3 = await load('cld3-asm', 'dist/cjs/index.js');
if (cld3) {
  const cld = (await (cld3.loadModule ?? cld3.default.loadModule)()).create(0, 1000);
  detectors['cld3-asm'] = (t) => {
    const r = cld.findLanguage(t);
    return [[r.language, r.probability]];
  };
}
const languagedetect = await load('languagedetect', 'index.js');
if (languagedetect) {
  const Detector = languagedetect.default ?? languagedetect;
  const ld = new Detector();
  ld.setLanguageType('iso2');
  detectors.languagedetect = (t) => ld.detect(t);
}

const sentences = LANGUAGES.flatMap((lang) => PROSE[lang].map((text) => ({ lang, text, script: SCRIPT[lang] ?? 'Latin' })));
const words = (text: string) => (text.match(/\p{L}+/gu) ?? []).length;
console.log(`${sentences.length} sentences, ${LANGUAGES.length} languages; ${Object.keys(detectors).length} identifiers found`);
console.log('identifier          right   restricted   short (<=4 words)   us/sentence');
for (const [name, detect] of Object.entries(detectors)) {
  for (const s of sentences.slice(0, 50)) detect(s.text); // warm up
  let right = 0;
  let restricted = 0;
  let short = 0;
  let shortRight = 0;
  const started = process.cpuUsage();
  for (const s of sentences) {
    const ranked = detect(s.text);
    if (ranked[0]?.[0] === s.lang) right++;
    const inScript = ranked.find(([l]) => IDENTIFIED_SCRIPTS[s.script].includes(l) || l === s.lang)?.[0];
    if (inScript === s.lang) restricted++;
    if (words(s.text) <= 4) {
      short++;
      if (inScript === s.lang) shortRight++;
    }
  }
  const cpu = process.cpuUsage(started);
  const pct = (n: number) => `${fmt((100 * n) / sentences.length, 1)} %`;
  console.log(
    `${name.padEnd(18)} ${pct(right).padStart(7)} ${pct(restricted).padStart(12)} ${`${shortRight}/${short}`.padStart(19)} ${fmt((cpu.user + cpu.system) / sentences.length, 1).padStart(13)}`,
  );
}
