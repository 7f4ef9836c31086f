/**
 * cos(qπ) for the angles whose cosines are radicals a contest answer uses:
 * multiples of π/12, π/10 and π/8 (the last two through nested roots).
 */
import * as Q from '../rational.ts';
import { addPoly, atomPoly, constPoly, mulPoly, primeAtom, rootAtom, scalePoly, type Poly } from './poly.ts';

const surd = (...primes: number[]): Poly => primes.reduce((p, n) => mulPoly(p, atomPoly(primeAtom(BigInt(n)), { n: 1n, d: 2n })), constPoly(Q.ONE));
const c = (n: number) => constPoly(Q.int(n));
const over = (p: Poly, d: number) => scalePoly(p, Q.rational(1n, BigInt(d)));
const sqrtOf = (inner: Poly) => atomPoly(rootAtom(2, inner));

/** cos(tπ) for t in [0, 1/2], by the denominator-reduced t. */
let table: Map<string, Poly> | undefined;
function cosTable(): Map<string, Poly> {
  table ??= new Map<string, Poly>([
    ['0', c(1)],
    ['1/12', over(addPoly(surd(2, 3), surd(2)), 4)],
    ['1/10', over(sqrtOf(addPoly(c(10), scalePoly(surd(5), Q.int(2)))), 4)],
    ['1/8', over(sqrtOf(addPoly(c(2), surd(2))), 2)],
    ['1/6', over(surd(3), 2)],
    ['1/5', over(addPoly(c(1), surd(5)), 4)],
    ['1/4', over(surd(2), 2)],
    ['3/10', over(sqrtOf(addPoly(c(10), scalePoly(surd(5), Q.int(-2)))), 4)],
    ['1/3', over(c(1), 2)],
    ['3/8', over(sqrtOf(addPoly(c(2), scalePoly(surd(2), Q.int(-1)))), 2)],
    ['2/5', over(addPoly(surd(5), c(-1)), 4)],
    ['5/12', over(addPoly(surd(2, 3), scalePoly(surd(2), Q.int(-1))), 4)],
    ['1/2', new Map()],
  ]);
  return table;
}

/** cos(qπ) as a polynomial, or null when qπ is no special angle. */
export function cosOfPi(q: Q.Rational): Poly | null {
  // Into [0, 2), then [0, 1] by cos(2π - x) = cos x, then [0, 1/2] by cos(π - x) = -cos x.
  let t = Q.sub(q, Q.int(2n * Q.floor(Q.div(q, Q.int(2)))));
  if (Q.compare(t, Q.ONE) > 0) t = Q.sub(Q.int(2), t);
  let sign = 1n;
  if (Q.compare(t, { n: 1n, d: 2n }) > 0) {
    t = Q.sub(Q.ONE, t);
    sign = -1n;
  }
  const p = cosTable().get(Q.key(t));
  return p ? scalePoly(p, Q.int(sign)) : null;
}

/** The angles tried when inverting a trigonometric value, in turns of π within [-1, 1]. */
export const SPECIAL_ANGLES: Q.Rational[] = (() => {
  const out = new Map<string, Q.Rational>();
  for (const d of [1n, 2n, 3n, 4n, 5n, 6n, 8n, 10n, 12n]) {
    for (let k = -d; k <= d; k++) {
      const q = Q.rational(k, d);
      out.set(Q.key(q), q);
    }
  }
  return [...out.values()];
})();
