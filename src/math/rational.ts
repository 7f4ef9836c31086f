/** Exact rationals on BigInt, for numeric answers that must compare exactly (big integers, decimals). */
import { spend } from './budget.ts';
import { LIMITS, LimitError } from './limits.ts';

export interface Rational {
  readonly n: bigint;
  /** Always positive. */
  readonly d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

/** Bits of |x| (0 for 0). */
const bits = (x: bigint): number => (x === 0n ? 0 : (x < 0n ? -x : x).toString(16).length * 4);

const SMALL = 1n << 64n;

export function rational(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  if (n >= SMALL || n <= -SMALL || d >= SMALL) {
    const size = bits(n) + bits(d);
    // Reducing a big fraction (Euclid on BigInt) costs in proportion to its bits; an integer only to its limbs.
    spend(d === 1n ? (size >> 6) * 4 : size * 4);
    if (size > LIMITS.maxExactBits) throw new LimitError('exact number too large');
  }
  if (d === 1n) return { n, d };
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export interface Decimal {
  value: Rational;
  /** Written with a decimal point or an exponent (`0.25`, `1e3`), not as an integer. */
  decimal: boolean;
  /** Significant digits. */
  sig: number;
  /** The power of ten of the last digit written. */
  place: number;
}

/** Parses a plain decimal literal (`12`, `0.25`, `.4`, `1.2e-5`) exactly, with the precision it is written to. */
export function parseDecimal(text: string): Decimal {
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  if (Math.abs(exp) > LIMITS.maxExactExponent) throw new LimitError('exponent');
  const written = (m[1] ?? '') + frac;
  const digits = BigInt(written || '0');
  return {
    value: exp >= 0 ? rational(digits * 10n ** BigInt(exp)) : rational(digits, 10n ** BigInt(-exp)),
    decimal: m[2] !== undefined || m[3] !== undefined,
    sig: written.replace(/^0+/, '').length || written.length,
    place: exp,
  };
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };
export const int = (n: bigint | number): Rational => ({ n: BigInt(n), d: 1n });

export const add = (a: Rational, b: Rational) => (a.d === 1n && b.d === 1n ? rational(a.n + b.n) : rational(a.n * b.d + b.n * a.d, a.d * b.d));
export const sub = (a: Rational, b: Rational) => add(a, neg(b));
export const mul = (a: Rational, b: Rational) => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rational(a.n * b.d, a.d * b.n);
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const equals = (a: Rational, b: Rational) => a.n === b.n && a.d === b.d;
export const isInteger = (a: Rational) => a.d === 1n;
export const isZero = (a: Rational) => a.n === 0n;
export const sign = (a: Rational) => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
export const compare = (a: Rational, b: Rational) => sign(sub(a, b));
export const abs = (a: Rational): Rational => (a.n < 0n ? neg(a) : a);
export const key = (a: Rational) => (a.d === 1n ? String(a.n) : `${a.n}/${a.d}`);

/** The greatest integer ≤ a. */
export function floor(a: Rational): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}

export const toNumber = (a: Rational): number => {
  const x = Number(a.n) / Number(a.d);
  if (Number.isFinite(x) || (bits(a.n) < 1000 && bits(a.d) < 1000)) return x;
  // Both parts beyond a double: scale them down together first.
  const shift = BigInt(Math.max(0, Math.min(bits(a.n), bits(a.d)) - 900));
  return Number(a.n >> shift) / Number(a.d >> shift);
};

/** a^k for an integer k, refusing exponents that would build huge numbers. */
export function pow(a: Rational, k: Rational): Rational {
  if (!isInteger(k)) throw new RangeError('not an integer exponent');
  const e = k.n < 0n ? -k.n : k.n;
  const unit = a.n === 0n || a.n === a.d || a.n === -a.d;
  if (!unit && (e > BigInt(LIMITS.maxExactExponent) || Number(e) * (log2(a.n) + log2(a.d)) > LIMITS.maxExactBits)) {
    throw new LimitError('exponent');
  }
  if (k.n < 0n && a.n === 0n) throw new RangeError('division by zero');
  const r = a.n === 0n || a.n === a.d ? a : a.n === -a.d ? rational(e % 2n ? -1n : 1n) : rational(a.n ** e, a.d ** e);
  return k.n < 0n ? div(ONE, r) : r;
}

/** log2 of |x| for a BigInt, as a double (0 for 0 and ±1). */
function log2(x: bigint): number {
  const b = bits(x);
  if (b <= 1000) return Math.log2(Math.abs(Number(x)) || 1);
  return b;
}

export function factorial(a: Rational): Rational {
  if (!isInteger(a) || a.n < 0n) throw new RangeError('factorial of a non-natural number');
  if (a.n > BigInt(LIMITS.maxExactFactorial)) throw new LimitError('factorial');
  let r = 1n;
  for (let i = 2n; i <= a.n; i++) r *= i;
  return rational(r);
}

/** C(n, k) for natural n and k. */
export function binomial(n: Rational, k: Rational): Rational {
  if (!isInteger(n) || !isInteger(k) || n.n < 0n || k.n < 0n) throw new RangeError('binomial of non-naturals');
  if (k.n > n.n) return ZERO;
  const m = k.n < n.n - k.n ? k.n : n.n - k.n;
  if (m > BigInt(LIMITS.maxExactFactorial) * 4n) throw new LimitError('binomial');
  let r = 1n;
  for (let i = 1n; i <= m; i++) r = (r * (n.n - m + i)) / i;
  return rational(r);
}

export function gcdOf(a: Rational, b: Rational): Rational {
  if (!isInteger(a) || !isInteger(b)) throw new RangeError('gcd of non-integers');
  return int(gcd(a.n, b.n));
}
