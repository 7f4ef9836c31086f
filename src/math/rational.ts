/** Exact rationals on BigInt, for numeric answers that must compare exactly (big integers, decimals). */
import { LIMITS, LimitError } from './limits.ts';

export interface Rational {
  readonly n: bigint;
  /** Always positive. */
  readonly d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
};

const bits = (x: bigint): number => (x < 0n ? -x : x).toString(16).length * 4;

export function rational(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  const r = { n: n / g, d: d / g };
  if (bits(r.n) + bits(r.d) > LIMITS.maxExactBits) throw new LimitError('exact number too large');
  return r;
}

/** Parses a plain decimal literal (`12`, `0.25`, `.4`, `1.2e-5`) exactly. */
export function parseDecimal(text: string): Rational {
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  if (Math.abs(exp) > LIMITS.maxExactExponent) throw new LimitError('exponent');
  const digits = BigInt((m[1] ?? '') + frac || '0');
  return exp >= 0 ? rational(digits * 10n ** BigInt(exp)) : rational(digits, 10n ** BigInt(-exp));
}

export const add = (a: Rational, b: Rational) => rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rational(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rational(a.n * b.d, a.d * b.n);
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const equals = (a: Rational, b: Rational) => a.n === b.n && a.d === b.d;
export const isInteger = (a: Rational) => a.d === 1n;
/** Has a finite decimal expansion (denominator 2^a 5^b). */
export function terminates(a: Rational): boolean {
  let d = a.d;
  while (d % 2n === 0n) d /= 2n;
  while (d % 5n === 0n) d /= 5n;
  return d === 1n;
}

export const toNumber = (a: Rational) => Number(a.n) / Number(a.d);

/** a^k for an integer k, refusing exponents that would build huge numbers. */
export function pow(a: Rational, k: Rational): Rational {
  if (!isInteger(k)) throw new RangeError('not an integer exponent');
  const e = k.n < 0n ? -k.n : k.n;
  const base = a.n === 0n || a.n === a.d || a.n === -a.d;
  if (!base && (e > BigInt(LIMITS.maxExactExponent) || Number(e) * (bits(a.n) + bits(a.d)) > LIMITS.maxExactBits)) {
    throw new LimitError('exponent');
  }
  const r = a.n === 0n || a.n === a.d ? a : a.n === -a.d ? rational(e % 2n ? -1n : 1n) : rational(a.n ** e, a.d ** e);
  return k.n < 0n ? div(rational(1n), r) : r;
}

export function factorial(a: Rational): Rational {
  if (!isInteger(a) || a.n < 0n) throw new RangeError('factorial of a non-natural number');
  if (a.n > BigInt(LIMITS.maxExactFactorial)) throw new LimitError('factorial');
  let r = 1n;
  for (let i = 2n; i <= a.n; i++) r *= i;
  return rational(r);
}
