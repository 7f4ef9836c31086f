/**
 * Exact normal forms of parsed expressions: a fraction of two polynomials over
 * atoms (see poly.ts). Radicals, π, e^…, logarithms, i, trigonometric values
 * of special angles and rational functions of variables are exact; anything
 * else becomes an opaque atom, which keeps the form exact but incomplete (two
 * different incomplete forms may still be equal). Nothing here is a float:
 * `2^{1/2^{900}}` is not 1 and `x + 10^{-25}` is not `x`.
 */
import type { MathNode } from 'mathjs';
import { LIMITS, LimitError } from '../limits.ts';
import * as Q from '../rational.ts';
import { EXACT, fnName, TRIG, view } from '../value.ts';
import { factorize } from './factor.ts';
import {
  I,
  PI,
  addPoly,
  atomPoly,
  constPoly,
  isConstant,
  isOne,
  lnAtom,
  monoOf,
  monoPow,
  mulPoly,
  opaqueAtom,
  powPoly,
  primeAtom,
  radicandAtom,
  rootAtom,
  scalePoly,
  varAtom,
  type Atom,
  type Poly,
} from './poly.ts';
import { SPECIAL_ANGLES, cosOfPi } from './special.ts';
import {
  NO_CANON,
  NoCanon,
  ONE_POLY,
  addC,
  canonEqual,
  canonKey,
  constCanon,
  divC,
  mulC,
  negC,
  normalizeC,
  polyCanon,
  rationalOfCanon,
  subC,
  type Canon,
} from './fraction.ts';

export { canonEqual, canonKey, constCanon, isCompleteCanon, isConstantCanon, mulC, rationalOfCanon, subC, type Canon } from './fraction.ts';
export { rationalValue } from './rational-value.ts';

export interface CanonContext {
  /** `i` is the imaginary unit (it is the only free symbol). */
  imaginary: boolean;
  /** Float value of a constant subtree, for signs, floors and maxima; null when it has none. */
  float: (node: MathNode) => number | null;
}

/** The exact form of `node`, or null when it has none or is over the size limits. */
/** Exact forms only: no float decides a constant's sign, floor or maximum, and `i` is a variable. */
export const EXACT_ONLY: CanonContext = { imaginary: false, float: () => null };

export function toCanon(node: MathNode, ctx: CanonContext): Canon | null {
  try {
    return new Builder(ctx).build(node);
  } catch (error) {
    if (error instanceof NoCanon || error instanceof RangeError) return null;
    if (error instanceof LimitError && error.limit !== 'work') return null;
    throw error;
  }
}

const HALF: Q.Rational = { n: 1n, d: 2n };
/** Terms of \sum and \prod computed exactly in one expression. */
const EXACT_SUM_TERMS = 500;
const constCanonPi = (t: Q.Rational): Canon => polyCanon(scalePoly(atomPoly(PI), t));

class Builder {
  private bindings = new Map<string, Q.Rational>();
  /** Terms summed exactly in one expression; longer sums are left to floats, which loop faster. */
  private sumWork = EXACT_SUM_TERMS;

  constructor(private ctx: CanonContext) {}

  build(node: MathNode): Canon {
    const n = view(node);
    switch (n.type) {
      case 'ConstantNode': {
        const exact = EXACT.get(node);
        if (exact) return constCanon(exact);
        const v = n.value as number;
        if (!Number.isInteger(v)) throw NO_CANON;
        return constCanon(Q.int(BigInt(v)));
      }
      case 'SymbolNode': {
        const name = n.name!;
        const bound = this.bindings.get(name);
        if (bound) return constCanon(bound);
        if (name === 'pi') return polyCanon(atomPoly(PI));
        if (name === 'e') return this.exp(constCanon(Q.ONE));
        if (name === 'i' && this.ctx.imaginary) return polyCanon(atomPoly(I));
        return polyCanon(atomPoly(varAtom(name)));
      }
      case 'ParenthesisNode':
        return this.build(n.content!);
      case 'OperatorNode':
        return this.operator(fnName(n), n.args!);
      case 'FunctionNode':
        return this.fn(fnName(n), n.args!);
      default:
        throw NO_CANON;
    }
  }

  private operator(name: string, args: MathNode[]): Canon {
    if (name === 'unaryMinus') return negC(this.build(args[0]!));
    if (name === 'unaryPlus') return this.build(args[0]!);
    if (name === 'factorial') {
      const a = this.build(args[0]!);
      const q = rationalOfCanon(a);
      if (q && Q.isInteger(q) && q.n >= 0n) return constCanon(Q.factorial(q));
      return this.opaque('factorial', [a]);
    }
    const a = this.build(args[0]!);
    const b = this.build(args[1]!);
    switch (name) {
      case 'add':
        return addC(a, b);
      case 'subtract':
        return subC(a, b);
      case 'multiply':
        return mulC(a, b);
      case 'divide':
        return divC(a, b);
      case 'pow':
        return this.pow(a, b);
    }
    throw NO_CANON;
  }

  private fn(name: string, args: MathNode[]): Canon {
    if (name === 'sum' || name === 'prod') return this.bigOperator(name, args);
    const xs = args.map((a) => this.build(a));
    const [x, y] = xs;
    switch (name) {
      case 'sqrt':
        return this.pow(x!, constCanon(HALF));
      case 'nthRoot': {
        const k = rationalOfCanon(y!);
        if (!k || !Q.isInteger(k) || k.n < 2n || k.n > 64n) return this.opaque(name, xs);
        return this.pow(x!, constCanon(Q.rational(1n, k.n)));
      }
      case 'percent':
        return divC(x!, constCanon(Q.int(100)));
      case 'degree':
        return x!;
      case 'exp':
        return this.exp(x!);
      case 'log':
        return this.ln(x!);
      case 'log10':
        return divC(this.ln(x!), this.ln(constCanon(Q.int(10))));
      case 'sinh':
      case 'cosh':
      case 'tanh': {
        const ep = this.exp(x!);
        const em = this.exp(negC(x!));
        if (name === 'sinh') return divC(subC(ep, em), constCanon(Q.int(2)));
        if (name === 'cosh') return divC(addC(ep, em), constCanon(Q.int(2)));
        return divC(subC(ep, em), addC(ep, em));
      }
      case 'asin':
      case 'arcsin':
      case 'acos':
      case 'arccos':
      case 'atan':
      case 'arctan': {
        const kind = name.replace(/^arc/, 'a') as 'asin' | 'acos' | 'atan';
        const t = this.inverseTrig(kind, x!);
        return t ? mulC(constCanon(t), polyCanon(atomPoly(PI))) : this.opaque(kind, xs);
      }
      case 'abs':
      case 'floor':
      case 'ceil':
        return this.realStep(name, x!, args[0]!);
      case 'combinations': {
        const [n, k] = [rationalOfCanon(x!), rationalOfCanon(y!)];
        if (n && k && Q.isInteger(n) && Q.isInteger(k) && n.n >= 0n && k.n >= 0n) return constCanon(Q.binomial(n, k));
        return this.opaque(name, xs);
      }
      case 'gcd':
      case 'lcm': {
        const qs = xs.map(rationalOfCanon);
        if (qs.some((q) => !q || !Q.isInteger(q))) return this.opaque(name, xs);
        const g = qs.slice(1).reduce((acc, q) => Q.gcdOf(acc!, q!), qs[0]!)!;
        if (name === 'gcd') return constCanon(g);
        if (qs.length !== 2 || Q.isZero(g)) return this.opaque(name, xs);
        return constCanon(Q.abs(Q.div(Q.mul(qs[0]!, qs[1]!), g)));
      }
      case 'max':
      case 'min': {
        if (!xs.every((c) => isConstant(c.num) && isConstant(c.den))) return this.opaque(name, xs);
        const vals = args.map((a) => this.ctx.float(a));
        if (vals.some((v) => v === null)) throw NO_CANON;
        const best = name === 'max' ? Math.max(...(vals as number[])) : Math.min(...(vals as number[]));
        // A tie or near-tie between different values is not decided in floats.
        const picks = vals.map((v, i) => [v!, i] as const).filter(([v]) => Math.abs(v - best) <= 1e-9 * Math.max(1, Math.abs(best)));
        if (picks.some(([, i]) => !canonEqual(xs[i]!, xs[picks[0]![1]]!))) throw NO_CANON;
        return xs[picks[0]![1]]!;
      }
      case 'pm':
        throw NO_CANON;
    }
    if (TRIG.has(name)) return this.trig(name, x!);
    if (args.length === 1 && name === 'det') throw NO_CANON;
    return this.opaque(name, xs);
  }

  /** An unknown or unsimplified function applied to exact arguments. */
  private opaque(name: string, xs: Canon[]): Canon {
    const constant = xs.every((c) => isConstant(c.num) && isConstant(c.den));
    return polyCanon(atomPoly(opaqueAtom(`${name}(${xs.map(canonKey).join(',')})`, constant)));
  }

  private pow(base: Canon, exponent: Canon): Canon {
    const r = rationalOfCanon(exponent);
    if (r) {
      if (Q.isInteger(r)) {
        if (r.n > BigInt(LIMITS.maxExactExponent) || -r.n > BigInt(LIMITS.maxExactExponent)) throw new LimitError('exponent');
        const k = Number(r.n < 0n ? -r.n : r.n);
        const num = powPoly(base.num, k);
        const den = powPoly(base.den, k);
        return r.n < 0n ? divC(polyCanon(den), polyCanon(num)) : normalizeC(num, den);
      }
      return this.rootOf(base, r);
    }
    // A variable or irrational exponent: b^x = e^{x ln b} for e and positive rational bases.
    const single = base.num.size === 1 && isOne(base.den) ? base.num.values().next().value! : null;
    if (single && !single.factors.length && single.exp && Q.equals(single.coef, Q.ONE)) return this.exp(mulC(polyCanon(single.exp), exponent));
    const q = rationalOfCanon(base);
    if (q && Q.sign(q) > 0) return this.exp(mulC(exponent, this.ln(base)));
    return this.opaque('pow', [base, exponent]);
  }

  /** base^{a/b} for a non-integer a/b, with odd roots of negatives real. */
  private rootOf(base: Canon, r: Q.Rational): Canon {
    if (!base.num.size) {
      if (Q.sign(r) < 0) throw NO_CANON;
      return base;
    }
    if (!isOne(base.den)) return divC(this.rootOf(polyCanon(base.num), r), this.rootOf(polyCanon(base.den), r));
    if (base.num.size > 1) {
      // A sum under a root: the b-th root of it is a new atom whose b-th power is the sum.
      const b = Number(r.d);
      if (!isConstant(base.num) && b % 2 === 0 && !this.nonNegative(base.num)) return this.opaque('pow', [base, constCanon(r)]);
      const atom = rootAtom(b, base.num);
      return this.pow(polyCanon(atomPoly(atom)), constCanon(Q.int(r.n)));
    }
    const m = base.num.values().next().value!;
    let coef = m.coef;
    let extra: Poly = ONE_POLY;
    if (Q.sign(coef) < 0) {
      if (r.d % 2n === 1n) {
        if (r.n % 2n !== 0n) extra = constPoly(Q.int(-1));
      } else if (r.d === 2n && this.ctx.imaginary) {
        extra = atomPoly(I, Q.int(r.n));
      } else throw NO_CANON;
      coef = Q.neg(coef);
    }
    for (const [atom, e] of m.factors) {
      const er = Q.mul(e, r);
      if (atom.kind === 'var') {
        // (x^2)^{1/2} is |x|, not x: an even power under an even root stays whole.
        if (r.d % 2n === 0n && e.n % 2n === 0n) return this.opaque('pow', [base, constCanon(r)]);
      } else if (atom.kind !== 'prime' && atom.kind !== 'pi' && !Q.isInteger(er)) {
        return this.opaque('pow', [base, constCanon(r)]);
      }
    }
    const factors: [Atom, Q.Rational][] = m.factors.map(([atom, e]) => [atom, Q.mul(e, r)]);
    const root = monoOf(Q.ONE, [...this.rationalRoot(coef, r), ...factors], m.exp ? scalePoly(m.exp, r) : null);
    return polyCanon(extra === ONE_POLY ? root : mulPoly(root, extra));
  }

  /** The factors of (n/d)^r for a positive rational, through its primes; a base too large to factor stays whole. */
  private rationalRoot(q: Q.Rational, r: Q.Rational): [Atom, Q.Rational][] {
    const factors: [Atom, Q.Rational][] = [];
    for (const [x, power] of [
      [q.n, r],
      [q.d, Q.neg(r)],
    ] as const) {
      if (x === 1n) continue;
      const primes = factorize(x);
      if (!primes) factors.push([radicandAtom(x), power]);
      else for (const [prime, k] of primes) factors.push([primeAtom(prime), Q.mul(Q.int(k), power)]);
    }
    return factors;
  }

  /** Whether a polynomial is a sum of even powers with positive coefficients (x^2 + 1), so even roots of it are real. */
  private nonNegative(p: Poly): boolean {
    return [...p.values()].every((m) => Q.sign(m.coef) > 0 && !m.exp && m.factors.every(([a, e]) => a.kind === 'var' && Q.isInteger(e) && e.n % 2n === 0n));
  }

  private exp(x: Canon): Canon {
    if (!isOne(x.den)) return this.opaque('exp', [x]);
    let arg = x.num;
    let rotation: Canon | null = null;
    // e^{iπq} = cos πq + i sin πq.
    for (const m of arg.values()) {
      if (m.exp || m.factors.length !== 2 || m.factors[0]![0] !== I || m.factors[1]![0] !== PI) continue;
      if (!Q.equals(m.factors[0]![1], Q.ONE) || !Q.equals(m.factors[1]![1], Q.ONE)) continue;
      const c = cosOfPi(m.coef);
      const s = cosOfPi(Q.sub(HALF, m.coef));
      if (!c || !s) continue;
      rotation = polyCanon(addPoly(c, mulPoly(s, atomPoly(I))));
      arg = new Map(arg);
      arg.delete(m.key);
      break;
    }
    const e: Canon = arg.size ? polyCanon(monoPow({ coef: Q.ONE, factors: [], exp: arg, key: '' }, Q.ONE, Q.ONE)) : constCanon(Q.ONE);
    return rotation ? mulC(e, rotation) : e;
  }

  /** Natural logarithm: of a positive constant monomial exactly, anything else as an opaque atom. */
  private ln(x: Canon): Canon {
    const single = x.num.size === 1 && isOne(x.den) ? x.num.values().next().value! : null;
    if (!single || !isConstant(x.num)) return this.opaque('log', [x]);
    if (Q.sign(single.coef) <= 0) throw NO_CANON;
    let out = this.lnRational(single.coef);
    if (!out) return this.opaque('log', [x]);
    for (const [atom, e] of single.factors) {
      if (atom.kind === 'prime') out = addC(out, mulC(constCanon(e), polyCanon(atomPoly(lnAtom(atom.prime!)))));
      else if (atom.kind === 'pi') out = addC(out, mulC(constCanon(e), this.opaque('log', [polyCanon(atomPoly(PI))])));
      else return this.opaque('log', [x]);
    }
    return single.exp ? addC(out, polyCanon(single.exp)) : out;
  }

  private lnRational(q: Q.Rational): Canon | null {
    let out = constCanon(Q.ZERO);
    for (const [x, sign] of [
      [q.n, 1n],
      [q.d, -1n],
    ] as const) {
      if (x === 1n) continue;
      const factors = factorize(x);
      if (!factors) return null;
      for (const [p, k] of factors) out = addC(out, polyCanon(scalePoly(atomPoly(lnAtom(p)), Q.int(BigInt(k) * sign))));
    }
    return out;
  }

  /** t with x = trig(tπ) for a special angle t in the function's principal range. */
  private inverseTrig(kind: 'asin' | 'acos' | 'atan', x: Canon): Q.Rational | null {
    if (!isConstant(x.num) || !isConstant(x.den)) return null;
    const inRange = (t: Q.Rational) => (kind === 'acos' ? Q.sign(t) >= 0 : Q.compare(Q.abs(t), HALF) < 0 || (kind === 'asin' && Q.equals(Q.abs(t), HALF)));
    for (const t of SPECIAL_ANGLES) {
      if (!inRange(t)) continue;
      const value = kind === 'acos' ? this.trig('cos', constCanonPi(t)) : this.trig(kind === 'asin' ? 'sin' : 'tan', constCanonPi(t));
      if (canonEqual(value, x)) return t;
    }
    return null;
  }

  private trig(name: string, x: Canon): Canon {
    const q = this.piMultiple(x);
    if (q) {
      const cosP = cosOfPi(q);
      const sinP = cosOfPi(Q.sub(HALF, q));
      const cos = cosP && polyCanon(cosP);
      const sin = sinP && polyCanon(sinP);
      if (cos && sin) {
        switch (name) {
          case 'sin':
            return sin;
          case 'cos':
            return cos;
          case 'tan':
            return divC(sin, cos);
          case 'cot':
            return divC(cos, sin);
          case 'sec':
            return divC(constCanon(Q.ONE), cos);
          case 'csc':
            return divC(constCanon(Q.ONE), sin);
        }
      }
    }
    return this.opaque(name, [x]);
  }

  /** q when x = qπ for a rational q. */
  private piMultiple(x: Canon): Q.Rational | null {
    if (!x.num.size) return Q.ZERO;
    if (!isOne(x.den) || x.num.size !== 1) return null;
    const m = x.num.values().next().value!;
    if (m.exp || m.factors.length !== 1 || m.factors[0]![0] !== PI || !Q.equals(m.factors[0]![1], Q.ONE)) return null;
    return m.coef;
  }

  /** |x|, ⌊x⌋, ⌈x⌉ of a constant, decided from its float when that is far from the step; of a variable, an atom. */
  private realStep(name: string, x: Canon, node: MathNode): Canon {
    const q = rationalOfCanon(x);
    if (q) {
      if (name === 'abs') return constCanon(Q.abs(q));
      const f = Q.floor(q);
      return constCanon(Q.int(name === 'ceil' && !Q.isInteger(q) ? f + 1n : f));
    }
    if (!isConstant(x.num) || !isConstant(x.den)) return this.opaque(name, [x]);
    const v = this.ctx.float(node);
    if (v === null || !Number.isFinite(v)) return this.opaque(name, [x]);
    if (name === 'abs') {
      if (Math.abs(v) < 1e-9) throw NO_CANON;
      return v < 0 ? negC(x) : x;
    }
    const r = Math.round(v);
    if (Math.abs(v - r) < 1e-9 * Math.max(1, Math.abs(v))) throw NO_CANON;
    return constCanon(Q.int(BigInt(name === 'floor' ? Math.floor(v) : Math.ceil(v))));
  }

  /** \sum and \prod with exact integer bounds run term by term; with a variable bound they stay opaque. */
  private bigOperator(name: string, args: MathNode[]): Canon {
    const [body, index, loNode, hiNode] = args;
    const [loCanon, hiCanon] = [this.build(loNode!), this.build(hiNode!)];
    const [lo, hi] = [rationalOfCanon(loCanon), rationalOfCanon(hiCanon)];
    const k = view(index!).name!;
    if (!lo || !hi) return this.opaque(name, [this.build(body!), loCanon, hiCanon]);
    const from = Q.floor(lo) + (Q.isInteger(lo) ? 0n : 1n);
    const to = Q.floor(hi);
    if (to - from > BigInt(EXACT_SUM_TERMS)) throw new LimitError('sum length');
    this.sumWork -= Math.max(0, Number(to - from) + 1);
    if (this.sumWork < 0) throw new LimitError('sum length');
    const saved = this.bindings.get(k);
    let acc = constCanon(name === 'sum' ? Q.ZERO : Q.ONE);
    try {
      for (let i = from; i <= to; i++) {
        this.bindings.set(k, Q.int(i));
        const term = this.build(body!);
        acc = name === 'sum' ? addC(acc, term) : mulC(acc, term);
      }
    } finally {
      if (saved) this.bindings.set(k, saved);
      else this.bindings.delete(k);
    }
    return acc;
  }
}
