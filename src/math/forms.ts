/**
 * Answers that are numbers in another dress, recognised on the whole
 * extracted text before parsing: number words (`twelve`, `twenty-one`),
 * times of day (`1:58 am`, `13:58`), and a decimal comma (`2,74`) that is no
 * thousands group.
 */

const stripText = (s: string) => s.replace(/\\(?:text|textbf|textit|textrm|textnormal|mathrm|mbox)\s*\{([^{}]*)\}/g, '$1').replace(/\$|\\[()[\]]/g, '');

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

/** `twenty-one` → `21`, `minus five` → `-5`; null unless the whole text is number words. */
export function numberWords(text: string): string | null {
  const plain = stripText(text);
  if (!/^[a-z\s.!-]*[a-z]{3}[a-z\s.!-]*$/i.test(plain)) return null;
  const words = plain
    .trim()
    .toLowerCase()
    .replace(/[.!]$/, '')
    .split(/[\s-]+/)
    .filter((w) => w && w !== 'and');
  if (!words.length || words.length > 12) return null;
  let sign = '';
  if (words[0] === 'minus' || words[0] === 'negative') {
    sign = '-';
    words.shift();
  }
  let total = 0;
  let group = 0;
  // What came last, so `one two` or `twenty thirty` are no number.
  let last: 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' = 'none';
  for (const w of words) {
    const v = UNITS[w];
    if (v !== undefined && v < 10) {
      if (last === 'unit' || last === 'teen') return null;
      group += v;
      last = 'unit';
    } else if (v !== undefined && v < 20) {
      if (last === 'unit' || last === 'teen' || last === 'tens') return null;
      group += v;
      last = 'teen';
    } else if (v !== undefined) {
      if (last === 'unit' || last === 'teen' || last === 'tens') return null;
      group += v;
      last = 'tens';
    } else if (w === 'hundred') {
      if (last !== 'unit' || group % 100 >= 10) return null;
      group = group - (group % 100) + (group % 100) * 100;
      last = 'hundred';
    } else if (w in SCALES) {
      if (last === 'none' || last === 'scale') return null;
      total += group * SCALES[w]!;
      group = 0;
      last = 'scale';
    } else return null;
  }
  return last === 'none' ? null : `${sign}${total + group}`;
}

export interface TimeOfDay {
  /** Minutes after midnight. */
  minutes: number;
  /** Written with am/pm, or with an hour past 12: the reading is fixed. */
  fixed: boolean;
}

/** `1:58 am`, `1:58 \text{ p.m.}`, `13:58`, `01:58:30`; null for anything else. */
export function timeOfDay(text: string): TimeOfDay | null {
  if (!text.includes(':')) return null;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(a\.?\s*m\.?|p\.?\s*m\.?)?$/i.exec(
    stripText(text)
      .replace(/\\[,;: ]|~/g, ' ')
      .trim(),
  );
  if (!m) return null;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || sec > 59) return null;
  const meridiem = m[4]?.toLowerCase()[0];
  if (meridiem && (h === 0 || h > 12)) return null;
  const hour = meridiem ? (h % 12) + (meridiem === 'p' ? 12 : 0) : h;
  return { minutes: hour * 60 + min + sec / 60, fixed: !!meridiem || h > 12 || h === 0 };
}

/** Two times of day are the same; a time without am/pm and hour 1-12 may be either half of the day. */
export function sameTime(a: TimeOfDay, b: TimeOfDay): boolean {
  const readings = (t: TimeOfDay) => (t.fixed ? [t.minutes] : [t.minutes, (t.minutes + 720) % 1440]);
  const rb = readings(b);
  return readings(a).some((x) => rb.includes(x));
}

/** `2,74` → `2.74` when the comma cannot be a thousands separator; else null. */
export function commaDecimal(text: string): string | null {
  const m = /^(-?)(\d+),(\d+)$/.exec(stripText(text).trim());
  if (!m) return null;
  const thousands = /^[1-9]\d{0,2}$/.test(m[2]!) && m[3]!.length === 3;
  return thousands ? null : `${m[1]}${m[2]}.${m[3]}`;
}

/** A plain decimal number with a point (`1.22`, `-0.5`). */
export const isPointDecimal = (text: string) => /^-?\d*\.\d+$/.test(stripText(text).trim());
