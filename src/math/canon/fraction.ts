/**
 * Normal forms as fractions of two polynomials (see poly.ts): arithmetic, equality by
 * cross-multiplication, and denominators cleared when they are one monomial or a sum of
 * square roots. canonical.ts builds them from parsed expressions.
 */
import * as Q from '../rational.ts';
import {
  atomPoly,
  constPoly,
  invertMono,
  isComplete,
  isConstant,
  isOne,
  mulPoly,
  negPoly,
  polyKey,
  rationalOf,
  subPoly,
  addPoly,
  type Atom,
  type Poly,
} from './poly.ts';

export interface Canon {
  num: Poly;
  den: Poly;
}

/** The expression has no exact form here (a matrix, infinity, a complex logarithm); one instance, thrown often, so its stack is taken once. */
export class NoCanon extends Error {}
export const NO_CANON = new NoCanon('no exact form');

export const ONE_POLY = constPoly(Q.ONE);
export const constCanon = (q: Q.Rational): Canon => ({ num: constPoly(q), den: ONE_POLY });
export const polyCanon = (p: Poly): Canon => ({ num: p, den: ONE_POLY });

export const isCompleteCanon = (c: Canon) => isComplete(c.num) && isComplete(c.den);
export const isConstantCanon = (c: Canon) => isConstant(c.num) && isConstant(c.den);

/** Whether a = b holds as an identity of the normal forms (a.num·b.den = b.num·a.den). */
export function canonEqual(a: Canon, b: Canon): boolean {
  if (isOne(a.den) && isOne(b.den)) return samePoly(a.num, b.num);
  return subPoly(mulPoly(a.num, b.den), mulPoly(b.num, a.den)).size === 0;
}

/** Term by term: the same monomials with the same coefficients. */
function samePoly(a: Poly, b: Poly): boolean {
  if (a.size !== b.size) return false;
  for (const [key, m] of a) {
    const other = b.get(key);
    if (!other || !Q.equals(m.coef, other.coef)) return false;
  }
  return true;
}

/** A key equal for equal normal forms; a fraction whose denominator stayed a sum is keyed as written. */
export const canonKey = (c: Canon): string => (isOne(c.den) ? polyKey(c.num) : `(${polyKey(c.num)})/(${polyKey(c.den)})`);

export const rationalOfCanon = (c: Canon): Q.Rational | null => {
  const n = rationalOf(c.num);
  const d = rationalOf(c.den);
  return n && d && !Q.isZero(d) ? Q.div(n, d) : null;
};

export function addC(a: Canon, b: Canon): Canon {
  if (a.den === b.den || (isOne(a.den) && isOne(b.den))) return normalizeC(addPoly(a.num, b.num), a.den);
  return normalizeC(addPoly(mulPoly(a.num, b.den), mulPoly(b.num, a.den)), mulPoly(a.den, b.den));
}
export const negC = (a: Canon): Canon => ({ num: negPoly(a.num), den: a.den });
export const subC = (a: Canon, b: Canon) => addC(a, negC(b));
export const mulC = (a: Canon, b: Canon): Canon => normalizeC(mulPoly(a.num, b.num), mulPoly(a.den, b.den));
export function divC(a: Canon, b: Canon): Canon {
  if (!b.num.size) throw NO_CANON;
  return normalizeC(mulPoly(a.num, b.den), mulPoly(a.den, b.num));
}

/** Clears a denominator that is one monomial, or a sum of square roots (and i) that conjugates can clear. */
export function normalizeC(num: Poly, den: Poly): Canon {
  if (!den.size) throw NO_CANON;
  for (let round = 0; round < 4 && den.size > 1; round++) {
    const surd = conjugateAtom(den);
    if (!surd) break;
    const conj = conjugate(den, surd);
    num = mulPoly(num, conj);
    den = mulPoly(den, conj);
  }
  if (den.size === 1) {
    const inverse = invertMono(den.values().next().value!);
    if (inverse) return { num: mulPoly(num, inverse), den: ONE_POLY };
  }
  return { num, den };
}

/** A square root of a prime (or i) in a constant denominator, with whether every term holds it. */
function conjugateAtom(den: Poly): { atom: Atom; everywhere: boolean } | null {
  if (!isConstant(den)) return null;
  const terms = [...den.values()];
  const holds = (m: (typeof terms)[number], key: string) => m.factors.some(([a, e]) => a.key === key && (a.kind === 'i' || e.d === 2n));
  for (const m of terms) {
    for (const [atom, e] of m.factors) {
      if ((atom.kind === 'prime' && e.d === 2n) || atom.kind === 'i') return { atom, everywhere: terms.every((t) => holds(t, atom.key)) };
    }
  }
  return null;
}

/** The factor that clears s from A + B·s: A − B·s, or s itself when every term holds it. */
function conjugate(den: Poly, { atom, everywhere }: { atom: Atom; everywhere: boolean }): Poly {
  if (everywhere) return atomPoly(atom, atom.kind === 'i' ? Q.ONE : { n: 1n, d: 2n });
  const out: Poly = new Map();
  for (const m of den.values()) {
    const flip = m.factors.some(([a, e]) => a.key === atom.key && (a.kind === 'i' || e.d === 2n));
    out.set(m.key, flip ? { ...m, coef: Q.neg(m.coef) } : m);
  }
  return out;
}
