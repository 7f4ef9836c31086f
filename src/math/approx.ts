/**
 * A decimal written for an exact value: `0.333333` answers `\frac13` when it
 * is that value rounded (or cut) at the decimal's own last digit and carries
 * at least six significant digits; `0.33` does not, `0.333334` does not, and
 * two rationals never compare this way unless one of them is such a decimal.
 * `round_digits` (Math-Verify's float_rounding) also accepts equality after
 * rounding both to that many places.
 */
import type { MathNode } from 'mathjs';
import { LIMITS } from './limits.ts';
import * as Q from './rational.ts';
import { DECIMALS, EXACT, fnName, view } from './value.ts';

export interface DecimalInfo {
  value: Q.Rational;
  /** Significant digits written. */
  sig: number;
  /** Power of ten of the last digit written (0.125 → -3). */
  place: number;
}

/** Fewest significant digits a decimal needs to stand for an exact value it is not equal to. */
const MIN_SIG_DIGITS = 6;

/** The decimal a whole side is (`-0.5`, `3.9 \times 10^{-12}`, `1.2e-5`), else null. */
export function decimalOf(node: MathNode): DecimalInfo | null {
  const n = view(node);
  if (n.type === 'ParenthesisNode') return decimalOf(n.content!);
  if (n.type === 'ConstantNode') {
    const info = DECIMALS.get(node);
    const value = EXACT.get(node);
    return info && value ? { value, ...info } : null;
  }
  const fn = fnName(n);
  if (fn === 'unaryMinus') {
    const d = decimalOf(n.args![0]!);
    return d && { ...d, value: Q.neg(d.value) };
  }
  if (fn === 'multiply') {
    const d = decimalOf(n.args![0]!);
    const k = powerOfTen(n.args![1]!);
    return d && k !== null ? { value: Q.mul(d.value, pow10(k)), sig: d.sig, place: d.place + k } : null;
  }
  return null;
}

/** k for a node `10^{k}` with an integer k. */
function powerOfTen(node: MathNode): number | null {
  const n = view(node);
  if (fnName(n) !== 'pow') return null;
  const base = EXACT.get(n.args![0]!);
  let e = n.args![1]!;
  let sign = 1;
  if (fnName(view(e)) === 'unaryMinus') {
    sign = -1;
    e = view(e).args![0]!;
  }
  const k = EXACT.get(e);
  if (!base || !Q.equals(base, Q.int(10)) || !k || !Q.isInteger(k) || DECIMALS.has(e) || k.n > BigInt(LIMITS.maxExactExponent)) return null;
  return sign * Number(k.n);
}

const pow10 = (k: number): Q.Rational => (k >= 0 ? Q.int(10n ** BigInt(k)) : Q.rational(1n, 10n ** BigInt(-k)));

/** x rounded half away from zero, or cut toward zero, at the digit 10^place. */
function roundAt(x: Q.Rational, place: number, cut = false): Q.Rational {
  const scaled = Q.div(x, pow10(place));
  let k = scaled.n / scaled.d;
  const rest = scaled.n - k * scaled.d;
  if (!cut && 2n * (rest < 0n ? -rest : rest) >= scaled.d) k += scaled.n < 0n ? -1n : 1n;
  return Q.mul(Q.int(k), pow10(place));
}

/**
 * Whether the decimal `dec` stands for the exact constant whose value is `exact` (a rational) or `float`
 * (its float value, for an irrational), at the decimal's own precision or after `roundDigits`.
 */
export function approxEqual(dec: DecimalInfo, exact: Q.Rational | null, float: number | null, roundDigits: number | null): boolean {
  if (roundDigits !== null) {
    const x = exact ? roundAt(exact, -roundDigits) : null;
    if (x && Q.equals(x, roundAt(dec.value, -roundDigits))) return true;
    if (!exact && float !== null && Number.isFinite(float)) {
      const f = 10 ** roundDigits;
      if (Math.round(float * f) === Math.round(Q.toNumber(dec.value) * f)) return true;
    }
  }
  if (dec.sig < MIN_SIG_DIGITS) return false;
  if (exact) return Q.equals(roundAt(exact, dec.place), dec.value) || Q.equals(roundAt(exact, dec.place, true), dec.value);
  if (float === null || !Number.isFinite(float) || float === 0) return false;
  if (dec.sig > 15) return Math.abs(float - Q.toNumber(dec.value)) <= 4 * Number.EPSILON * Math.abs(float);
  const digits = Q.div(dec.value, pow10(dec.place));
  if (!Q.isInteger(digits)) return false;
  const k = float / 10 ** dec.place;
  const written = Number(digits.n);
  return written === Math.round(k) || written === Math.trunc(k);
}
