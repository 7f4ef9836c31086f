/**
 * Polynomials over exact rationals in "atoms": primes under a root (`2^{1/2}`),
 * π, logarithms of primes, `i`, variables, and opaque atoms (`\sin 1`, nested
 * radicals, unknown functions), with at most one `e^{…}` factor per monomial.
 * Products are normalised (`2^{3/2}` is 2·2^{1/2}, `i^2` is -1), so two equal
 * polynomials over complete atoms (radicals of primes, π, e^…, ln p, i,
 * variables) have the same terms: equality of such values is decided exactly.
 */
import { spend } from '../budget.ts';
import { LIMITS, LimitError } from '../limits.ts';
import * as Q from '../rational.ts';

export type AtomKind = 'prime' | 'pi' | 'ln' | 'i' | 'var' | 'opaque' | 'root';

export interface Atom {
  key: string;
  kind: AtomKind;
  /** Independent of every other complete atom, so distinct terms are distinct values. */
  complete: boolean;
  /** Holds no variable. */
  constant: boolean;
  prime?: bigint;
  /** `root`: the n-th root of `inner`, with root^n = inner. */
  n?: number;
  inner?: Poly;
}

export interface Mono {
  coef: Q.Rational;
  /** Atoms with non-zero exponents, sorted by key. */
  factors: [Atom, Q.Rational][];
  /** e^{exp}, or none. */
  exp: Poly | null;
  key: string;
}

/** Monomials by key. */
export type Poly = Map<string, Mono>;

const monoKey = (factors: [Atom, Q.Rational][], exp: Poly | null) => {
  const parts = factors.map(([a, e]) => (Q.equals(e, Q.ONE) ? a.key : `${a.key}^${Q.key(e)}`));
  if (exp) parts.push(`exp(${polyKey(exp)})`);
  return parts.join('*');
};

export function polyKey(p: Poly): string {
  if (!p.size) return '0';
  return [...p.values()]
    .map((m) => (m.key ? `${Q.key(m.coef)}*${m.key}` : Q.key(m.coef)))
    .sort()
    .join(' + ');
}

export const ZERO_POLY: Poly = new Map();

export function constPoly(q: Q.Rational): Poly {
  return Q.isZero(q) ? new Map() : new Map([['', { coef: q, factors: [], exp: null, key: '' }]]);
}

export function atomPoly(atom: Atom, exponent: Q.Rational = Q.ONE): Poly {
  return normalize(Q.ONE, new Map([[atom.key, [atom, exponent]]]), null);
}

export const isZeroPoly = (p: Poly) => p.size === 0;

/** The rational value of a constant polynomial, else null. */
export function rationalOf(p: Poly): Q.Rational | null {
  if (!p.size) return Q.ZERO;
  const only = p.size === 1 ? p.get('') : undefined;
  return only ? only.coef : null;
}

export function addPoly(a: Poly, b: Poly): Poly {
  if (!a.size) return b;
  if (!b.size) return a;
  return accumulate(new Map(a), b);
}

/** Adds b into `out` in place. */
function accumulate(out: Poly, b: Poly): Poly {
  for (const m of b.values()) {
    const prev = out.get(m.key);
    if (!prev) out.set(m.key, m);
    else {
      const coef = Q.add(prev.coef, m.coef);
      if (Q.isZero(coef)) out.delete(m.key);
      else out.set(m.key, { ...prev, coef });
    }
  }
  spend(b.size);
  if (out.size > LIMITS.maxTerms) throw new LimitError('terms');
  return out;
}

/** The polynomial 1. */
export const isOne = (p: Poly): boolean => {
  if (p.size !== 1) return false;
  const m = p.get('');
  return !!m && m.coef.n === 1n && m.coef.d === 1n;
};

export function scalePoly(p: Poly, q: Q.Rational): Poly {
  if (Q.isZero(q)) return new Map();
  const out: Poly = new Map();
  for (const m of p.values()) out.set(m.key, { ...m, coef: Q.mul(m.coef, q) });
  spend(p.size);
  return out;
}

export const negPoly = (p: Poly) => scalePoly(p, Q.int(-1));
export const subPoly = (a: Poly, b: Poly) => addPoly(a, negPoly(b));

/** Builds the normal form of coef × Π factors × e^{exp}: integer parts of prime exponents, powers of i and whole powers of roots leave the atoms. */
function normalize(coef: Q.Rational, factors: Map<string, [Atom, Q.Rational]>, exp: Poly | null): Poly {
  let extra: Poly | null = null;
  if (exp) {
    // e^{c \ln p} is p^c: logarithms of primes leave the exponent.
    for (const m of [...exp.values()]) {
      if (m.factors.length !== 1 || m.exp || m.factors[0]![0].kind !== 'ln' || !Q.equals(m.factors[0]![1], Q.ONE)) continue;
      const p = m.factors[0]![0].prime!;
      const atom = primeAtom(p);
      const prev = factors.get(atom.key)?.[1] ?? Q.ZERO;
      factors.set(atom.key, [atom, Q.add(prev, m.coef)]);
      exp = new Map(exp);
      exp.delete(m.key);
    }
    if (!exp.size) exp = null;
  }
  const kept: [Atom, Q.Rational][] = [];
  for (const [atom, e0] of factors.values()) {
    let e = e0;
    if (Q.isZero(e)) continue;
    if (atom.kind === 'prime') {
      const whole = Q.floor(e);
      if (whole !== 0n) {
        coef = Q.mul(coef, Q.pow(Q.int(atom.prime!), Q.int(whole)));
        e = Q.sub(e, Q.int(whole));
      }
      if (Q.isZero(e)) continue;
    } else if (atom.kind === 'i') {
      const k = ((e.n % 4n) + 4n) % 4n;
      if (k >= 2n) coef = Q.neg(coef);
      if (k % 2n === 0n) continue;
      e = Q.ONE;
    } else if (atom.kind === 'root' && e.d === 1n && e.n >= BigInt(atom.n!)) {
      const whole = e.n / BigInt(atom.n!);
      const p = powPoly(atom.inner!, Number(whole));
      extra = extra ? mulPoly(extra, p) : p;
      e = Q.int(e.n - whole * BigInt(atom.n!));
      if (Q.isZero(e)) continue;
    }
    kept.push([atom, e]);
  }
  if (Q.isZero(coef)) return new Map();
  kept.sort((a, b) => (a[0].key < b[0].key ? -1 : a[0].key > b[0].key ? 1 : 0));
  const key = monoKey(kept, exp);
  const mono: Poly = new Map([[key, { coef, factors: kept, exp, key }]]);
  return extra ? mulPoly(mono, extra) : mono;
}

export function mulMono(a: Mono, b: Mono): Poly {
  spend(1 + a.factors.length + b.factors.length);
  // Constants and a constant times a monomial need no normalising.
  if (!a.factors.length && !a.exp) return new Map([[b.key, { ...b, coef: Q.mul(a.coef, b.coef) }]]);
  if (!b.factors.length && !b.exp) return new Map([[a.key, { ...a, coef: Q.mul(a.coef, b.coef) }]]);
  const factors = new Map<string, [Atom, Q.Rational]>();
  for (const [atom, e] of a.factors) factors.set(atom.key, [atom, e]);
  for (const [atom, e] of b.factors) {
    const prev = factors.get(atom.key);
    factors.set(atom.key, [atom, prev ? Q.add(prev[1], e) : e]);
  }
  const exp = a.exp && b.exp ? addPoly(a.exp, b.exp) : (a.exp ?? b.exp);
  return normalize(Q.mul(a.coef, b.coef), factors, exp && exp.size ? exp : null);
}

export function mulPoly(a: Poly, b: Poly): Poly {
  if (!a.size || !b.size) return new Map();
  if (a.size * b.size > LIMITS.maxTerms * 4) throw new LimitError('terms');
  if (isOne(a)) return b;
  if (isOne(b)) return a;
  const out: Poly = new Map();
  for (const x of a.values()) for (const y of b.values()) accumulate(out, mulMono(x, y));
  return out;
}

export function powPoly(p: Poly, k: number): Poly {
  if (k === 0) return constPoly(Q.ONE);
  if (p.size === 1) return monoPow(p.values().next().value!, Q.int(k));
  let result: Poly | null = null;
  let base = p;
  for (let e = k; e > 0; e >>= 1) {
    if (e & 1) result = result ? mulPoly(result, base) : base;
    if (e > 1) base = mulPoly(base, base);
  }
  return result!;
}

/** coef × Π atom^exponent, normalised (exponents of repeated atoms add). */
export function monoOf(coef: Q.Rational, factors: [Atom, Q.Rational][], exp: Poly | null = null): Poly {
  const map = new Map<string, [Atom, Q.Rational]>();
  for (const [atom, e] of factors) {
    const prev = map.get(atom.key);
    map.set(atom.key, [atom, prev ? Q.add(prev[1], e) : e]);
  }
  return normalize(coef, map, exp);
}

/** A monomial to a rational power, each exponent multiplied; the caller has checked the coefficient and the domain. */
export function monoPow(m: Mono, r: Q.Rational, coef: Q.Rational = Q.pow(m.coef, r)): Poly {
  const factors = new Map<string, [Atom, Q.Rational]>();
  for (const [atom, e] of m.factors) factors.set(atom.key, [atom, Q.mul(e, r)]);
  return normalize(coef, factors, m.exp ? scalePoly(m.exp, r) : null);
}

/** 1 / m when it is a monomial without roots, else null. */
export function invertMono(m: Mono): Poly | null {
  if (m.factors.some(([a]) => a.kind === 'root')) return null;
  return monoPow(m, Q.int(-1), Q.div(Q.ONE, m.coef));
}

export function isComplete(p: Poly): boolean {
  for (const m of p.values()) {
    if (m.factors.some(([a]) => !a.complete)) return false;
    if (m.exp && !isComplete(m.exp)) return false;
  }
  return true;
}

export function isConstant(p: Poly): boolean {
  for (const m of p.values()) {
    if (m.factors.some(([a]) => !a.constant)) return false;
    if (m.exp && !isConstant(m.exp)) return false;
  }
  return true;
}

/** Atoms by kind, so each key is made in one place. */
const primes = new Map<bigint, Atom>();
export function primeAtom(p: bigint): Atom {
  let a = primes.get(p);
  if (!a) {
    a = { key: `p${p}`, kind: 'prime', complete: true, constant: true, prime: p };
    if (primes.size < 4096) primes.set(p, a);
  }
  return a;
}
/** A base that could not be factored: still exact, but not known independent of the primes. */
export const radicandAtom = (n: bigint): Atom => ({ key: `n${n}`, kind: 'opaque', complete: false, constant: true });
export const PI: Atom = { key: 'pi', kind: 'pi', complete: true, constant: true };
export const I: Atom = { key: 'i', kind: 'i', complete: true, constant: true };
export const lnAtom = (p: bigint): Atom => ({ key: `ln${p}`, kind: 'ln', complete: true, constant: true, prime: p });
export const varAtom = (name: string): Atom => ({ key: `v:${name}`, kind: 'var', complete: true, constant: false });
export const opaqueAtom = (key: string, constant: boolean): Atom => ({ key, kind: 'opaque', complete: false, constant });
export const rootAtom = (n: number, inner: Poly): Atom => ({
  key: `root${n}(${polyKey(inner)})`,
  kind: 'root',
  complete: false,
  constant: isConstant(inner),
  n,
  inner,
});
