/**
 * String repairs on an extracted answer before it is tokenized: math
 * delimiters, sizing commands, spacing, digit grouping, mixed numbers,
 * degrees. Each rule is small and local; what needs structure is the parser's.
 */

export interface CleanOptions {
  /** Read `2,5` as 2.5 (a comma between digits that is not a thousands group). */
  decimalComma: boolean;
}

const FUNCTIONS = 'sin|cos|tan|sec|csc|cot|arcsin|arccos|arctan|sinh|cosh|tanh|log|ln|exp|lg';

/** `1orW(x)`, `(11,7)or(7,11)`: a connector glued to its neighbours. */
export const GLUED_CONNECTOR = /(?<=[\d)}\]])(or|and)(?=[A-Za-z(\\])/g;

/** `0.1\overline{6}` is 1/6: the repeating digits over nines, after the fixed ones. */
function repeating(_m: string, whole: string, fixed: string, period: string): string {
  const all = BigInt(`${whole || '0'}${fixed}${period}`) - BigInt(`${whole || '0'}${fixed}`);
  const den = 10n ** BigInt(fixed.length) * (10n ** BigInt(period.length) - 1n);
  return `(\\frac{${all}}{${den}})`;
}

/** Each rule runs only when its text holds the guard, if it has one: most answers need few of them. */
const RULES: [RegExp, string | ((...m: string[]) => string), (string | RegExp)?][] = [
  [/(\d*)\.(\d*)\\overline\s*\{\s*(\d{1,12})\s*\}/g, repeating, '\\overline'],
  // Math delimiters and escaped currency carry no value.
  [/\\\$|\$|\\\(|\\\)|\\\[|\\\]/g, ' '],
  [/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)\s*\.?/g, '', '\\'],
  [/\\(?:displaystyle|textstyle|limits|nolimits|notag|nonumber)/g, '', 'style'],
  [/\\(?:hspace|vspace|phantom|hphantom|vphantom)\*?\{[^{}]*\}/g, '', 'space'],
  [/\\(?:d|t|c)frac/g, '\\frac', 'frac'],
  // `\quadx_2` (glued) and `1orW(x)` (glued connector) from careless writers.
  [/\\(q?quad)(?=[a-zA-Z])/g, '\\$1 ', 'quad'],
  [GLUED_CONNECTOR, ' , ', /or|and/],
  [/\\(?:d|t)binom/g, '\\binom', 'binom'],
  [new RegExp(`\\\\operatorname\\{(${FUNCTIONS})\\}`, 'g'), '\\$1 ', 'operatorname'],
  // `5\,\mathrm{cm}`, `3 \mathrm{m/s}`: after a number, a word in a font command is a unit, even of one letter (not e or i).
  [/(?<=\d\s*(?:\\[,;: ]\s*|~\s*)*)\\(?:mathrm|mathit|mathsf)\{\s*~?\s*((?![ei]\s*\})[a-zA-Z]{1,6}(?:\s*\/\s*[a-zA-Z]{1,4})?)\s*\}/g, '\\text{$1}', '\\math'],
  [/\\(?:mathrm|mathit|mathbf|boldsymbol|bm|mathsf|operatorname)\{([^{}]*)\}/g, ' $1 ', '\\'],
  // Primes: `f^{\prime}(x)` and `f^\prime` are `f'`.
  [/\^\s*\{\s*((?:\\prime\s*)+)\}|\^\s*\\prime/g, (_m: string, primes?: string) => "'".repeat(primes ? (primes.match(/prime/g) ?? []).length : 1), 'prime'],
  // Thousands groups: `14{,}916`, `12,\!000`, `1\,000`, `7,425,000`, `1 000`.
  [/(\d)\s*\{\s*,\s*\}\s*(?=\d)/g, (_m, d: string, offset: string, whole: string) => groupOrDecimal(d, Number(offset), whole), '{'],
  [/(\d),\s*\\!\s*(?=\d{3}(?!\d))/g, '$1', '\\!'],
  [/(\d)(?:\\[,;:! ]|~|\\thinspace)+(?=\d{3}(?!\d))/g, '$1', /\\|~/],
  // A bracket holding nothing but `12,102` is a pair or an interval (`[12,102]`), not twelve thousand.
  [
    /(?<![\d.,]|\d\s|\^\{?|_\{?)([1-9]\d{0,2})((?:,\d{3})+)(?![\d]|,\d)/g,
    (m: string, a: string, b: string, offset: string, whole: string) =>
      /[([]\s*$/.test(whole.slice(0, Number(offset))) && /^\s*[)\]]/.test(whole.slice(Number(offset) + m.length)) ? m : a + b.replace(/,/g, ''),
    ',',
  ],
  [/(?<![\d.,]|\^\{?|_\{?)([1-9]\d{0,2})((?: \d{3})+)(?![\d.,]?\d)/g, (_m, a: string, b: string) => a + b.replace(/ /g, ''), ' '],
  [/(?<!\\)\\(?:[,;:!> ]|thinspace|enspace)|~/g, ' ', /\\|~/],
  // `2\frac12` is a mixed number, unless the integer is an exponent or index.
  [
    /(?<![\^_.\d]|[\^_]\{)(\d+)\s*\\frac\s*(?:\{\s*(\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))/g,
    (_m, w: string, a1?: string, a2?: string, b1?: string, b2?: string) => `(${w}+\\frac{${a1 ?? a2}}{${b1 ?? b2}})`,
    'frac',
  ],
  // Degrees become one marker the parser reads: a unit after a number, radians in a trigonometric argument.
  [/\^\s*\{?\s*\\circ\s*\}?|\\circ\b|\\degree\b/g, '\\degree ', /circ|degree/],
  [/\^\s*\{\s*\}/g, ' ', '^'],
  [/\\%/g, '%', '%'],
  // `2 1/2` in plain text is a mixed number (a proper fraction after a whole number and a space).
  [
    /(?<![\d.,/^_{]|[\^_]\s*)(\d+) +(\d+)\/(\d+)(?![\d.]|\s*[\^_(])/g,
    (m: string, w: string, a: string, b: string) => (BigInt(a) < BigInt(b) ? `(${w}+${a}/${b})` : m),
    '/',
  ],
  // A backslash left dangling at the very end (`5\`) carries nothing.
  [/\\+\s*$/, '', '\\'],
];

/** The text inside the parenthesis opening at `open`, and the index after its closer, or null. */
function group(s: string, open: number): { inner: string; end: number } | null {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '[') depth++;
    else if ((s[i] === ')' || s[i] === ']') && --depth === 0) return { inner: s.slice(open + 1, i), end: i + 1 };
  }
  return null;
}

/** Top-level comma-separated parts of a text. */
function parts(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if ('([{'.includes(s[i]!)) depth++;
    else if (')]}'.includes(s[i]!)) depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

const SYMPY = /\b(Interval(?:\.(?:open|Ropen|Lopen))?|Point2?D?|FiniteSet|Matrix)\(/g;

/** SymPy's printed forms, as some pipelines hand answers over: `Interval.Ropen(0, 1)`, `Point(1, 2)`, `Matrix([[1, 2], [3, 4]])`. */
function sympyForms(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(SYMPY)) {
    if (m.index < last) continue;
    const g = group(s, m.index + m[0].length - 1);
    if (!g) break;
    const kind = m[1]!;
    let text: string;
    if (kind === 'Matrix') {
      const rows = /^\s*\[(.*)\]\s*$/s.exec(g.inner);
      if (!rows) continue;
      const cells = parts(rows[1]!).map((r) => parts(r.replace(/^\[|\]$/g, '')));
      text = `\\begin{pmatrix}${cells.map((r) => r.join(' & ')).join(' \\\\ ')}\\end{pmatrix}`;
    } else if (kind === 'FiniteSet') text = `\\{${g.inner}\\}`;
    else if (kind.startsWith('Point')) text = `(${g.inner})`;
    else {
      const openLeft = kind === 'Interval.open' || kind === 'Interval.Lopen';
      const openRight = kind === 'Interval.open' || kind === 'Interval.Ropen';
      text = `${openLeft ? '(' : '['}${g.inner}${openRight ? ')' : ']'}`;
    }
    out += s.slice(last, m.index) + text;
    last = g.end;
  }
  return out + s.slice(last);
}

function groupOrDecimal(digit: string, offset: number, whole: string): string {
  const rest = whole.slice(offset).replace(/^\d\s*\{\s*,\s*\}\s*/, '');
  return /^\d{3}(?!\d)/.test(rest) ? digit : `${digit}.`;
}

export function cleanMath(src: string, options: CleanOptions): string {
  let s = /(?:Interval|Point|FiniteSet|Matrix)[.\w]*\(/.test(src) ? sympyForms(src) : src;
  for (const [re, to, guard] of RULES) {
    if (guard !== undefined && !(typeof guard === 'string' ? s.includes(guard) : guard.test(s))) continue;
    s = s.replace(re, to as string);
  }
  if (options.decimalComma) s = s.replace(/(\d),(?=\d)/g, '$1.');
  return s.trim();
}
