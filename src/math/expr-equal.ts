/**
 * Equality of two scalar or matrix expressions. Exact normal forms decide
 * first (canon/): equal forms are equal; different forms over complete atoms
 * (rationals, radicals, π, e, ln p, i, polynomial and rational functions) are
 * different, whatever floats say. A decimal answers an exact value only at its
 * own precision (approx.ts). Floats (identity.ts) judge only what no exact
 * form decides, with the answer checked for values floats cannot be trusted with.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { approxEqual, decimalOf } from './approx.ts';
import {
  canonEqual,
  constCanon,
  isCompleteCanon,
  isConstantCanon,
  mulC,
  rationalOfCanon,
  rationalValue,
  toCanon,
  type Canon,
  type CanonContext,
} from './canon/canonical.ts';
import * as Q from './rational.ts';
import { evalFloat } from './evaluate.ts';
import { numericEqual } from './identity.ts';
import { freeVariables } from './numeric.ts';
import { DECIMALS, fnName, someNode, view } from './value.ts';

export interface NumericOptions {
  relTol: number;
  /** Also accept a decimal equal to the other side after rounding both to this many places. */
  roundDigits: number | null;
  strictVariables: boolean;
  deadline: number;
}

export type ExprPath = 'exact' | 'approximate' | 'numeric' | 'identity' | 'simplify';
export interface ExprVerdict {
  equal: boolean;
  path: ExprPath;
}

/** The argument of `percent(x)` / `degree(x)` at the top of a node. */
function unitOf(n: MathNode, unit: 'percent' | 'degree'): MathNode | null {
  const f = view(n);
  return f.type === 'FunctionNode' && fnName(f) === unit ? f.args![0]! : null;
}

/**
 * Percent and degrees are conventions, not values: when exactly one side is written `X\%` it may be
 * answered by X or X/100 (`28\%` = 28 = 0.28), when both are, X against Y only (`25\%` is not
 * `0.25\%`); likewise `X^\circ` against X or X·π/180.
 */
export function exprEqual(gold: MathNode, answer: MathNode, options: NumericOptions): ExprVerdict {
  const marked = (n: MathNode) => view(n).type === 'FunctionNode' && (fnName(view(n)) === 'percent' || fnName(view(n)) === 'degree');
  if (!marked(gold) && !marked(answer)) return plainEqual(gold, answer, options);
  const { math } = getMath();
  let golds = [gold];
  let answers = [answer];
  for (const unit of ['percent', 'degree'] as const) {
    const g = unitOf(golds[0]!, unit);
    const a = unitOf(answers[0]!, unit);
    const scale = (x: MathNode) =>
      unit === 'percent'
        ? x
        : new math.OperatorNode('*', 'multiply', [x, new math.OperatorNode('/', 'divide', [new math.SymbolNode('pi'), new math.ConstantNode(180)])]);
    const converted = (x: MathNode, whole: MathNode) => (unit === 'percent' ? whole : scale(x));
    if (g && a) [golds, answers] = [[g], [a]];
    else if (g) golds = [g, converted(g, golds[0]!)];
    else if (a) answers = [a, converted(a, answers[0]!)];
  }
  let last: ExprVerdict = { equal: false, path: 'exact' };
  for (const x of golds) {
    for (const y of answers) {
      last = plainEqual(x, y, options);
      if (last.equal) return last;
    }
  }
  return last;
}

function plainEqual(a: MathNode, b: MathNode, options: NumericOptions): ExprVerdict {
  // Two rational constants: equal or not at once, unless one is a decimal standing for the other.
  const [qa, qb] = [rationalValue(a), rationalValue(b)];
  if (qa && qb) {
    if (Q.equals(qa, qb)) return { equal: true, path: 'exact' };
    return { equal: !!approximate(a, constCanon(qa), b, constCanon(qb), options), path: 'exact' };
  }
  // Interval ends: ±∞ is only itself.
  const [ia, ib] = [infinity(a), infinity(b)];
  if (ia || ib) return { equal: ia === ib, path: 'exact' };
  const wa = freeVariables(a);
  let wb = freeVariables(b);
  if (!options.strictVariables) {
    b = renameVariables(b, wb.vars, wa.vars);
    wb = freeVariables(b);
  }
  if (view(a).type === 'ArrayNode' && view(b).type === 'ArrayNode') return matrixEqual(a, b, options);
  const names = new Set([...wa.vars, ...wb.vars]);
  const ctx: CanonContext = { imaginary: names.size === 1 && names.has('i'), float: constantFloat };
  const ca = toCanon(a, ctx);
  const cb = toCanon(b, ctx);
  if (ca && cb && canonEqual(ca, cb)) return { equal: true, path: 'exact' };
  const approx = approximate(a, ca, b, cb, options);
  if (approx !== null) return { equal: approx, path: 'approximate' };
  if (ca && cb && isCompleteCanon(ca) && isCompleteCanon(cb)) return { equal: false, path: 'exact' };
  if (ca && cb && isConstantCanon(ca) && isConstantCanon(cb) && sameSquares(a, ca, b, cb)) return { equal: true, path: 'exact' };
  // A variable only the answer has must vanish exactly: sampling cannot show it never matters (`5 + \lfloor e^{-x^2} \rfloor`).
  if ([...wb.vars].some((v) => !wa.vars.has(v)) && !ctx.imaginary) return { equal: false, path: 'exact' };
  // A decimal inside an answer's expression is an approximation floats would compare at 1e-11, not at its own digits.
  if (someNode(b, (n) => DECIMALS.has(n))) return { equal: false, path: 'exact' };
  const integer = wa.integer === 'only' || wb.integer === 'only' ? 'only' : wa.integer || wb.integer;
  return numericEqual(a, b, names, integer, options);
}

/** 1 for ∞ (also `+\infty`), -1 for -∞, else 0. */
function infinity(node: MathNode): number {
  const n = view(node);
  if (n.type === 'ConstantNode') return n.value === Infinity ? 1 : 0;
  if (n.type === 'ParenthesisNode') return infinity(n.content!);
  const fn = fnName(n);
  if (fn === 'unaryMinus') return -infinity(n.args![0]!);
  return fn === 'unaryPlus' ? infinity(n.args![0]!) : 0;
}

/** When one side is a whole decimal and the other a constant: the decimal's own precision decides. */
function approximate(a: MathNode, ca: Canon | null, b: MathNode, cb: Canon | null, options: NumericOptions): boolean | null {
  for (const [dec, exactNode, exact] of [
    [decimalOf(b), a, ca],
    [decimalOf(a), b, cb],
  ] as const) {
    if (!dec) continue;
    if (exact && !isConstantCanon(exact)) return false;
    const q = exact ? rationalOfCanon(exact) : null;
    return approxEqual(dec, q, q ? null : constantFloat(exactNode), options.roundDigits);
  }
  return null;
}

/** Nested radicals (`\sqrt{3+2\sqrt2}` = `1+\sqrt2`): equal squares and the same sign, the sign read from floats far from zero. */
function sameSquares(a: MathNode, ca: Canon, b: MathNode, cb: Canon): boolean {
  if (!canonEqual(mulC(ca, ca), mulC(cb, cb))) return false;
  const [fa, fb] = [constantFloat(a), constantFloat(b)];
  return fa !== null && fb !== null && Math.abs(fa) > 1e-9 && Math.sign(fa) === Math.sign(fb);
}

function constantFloat(node: MathNode): number | null {
  try {
    const v = evalFloat(node, { vars: new Map(), complex: false, deadline: Infinity });
    return typeof v === 'number' && !Number.isNaN(v) ? v : null;
  } catch {
    return null;
  }
}

/** Two written matrices compare entry by entry, so each entry gets the exact and decimal rules. */
function matrixEqual(a: MathNode, b: MathNode, options: NumericOptions): ExprVerdict {
  const rows = (n: MathNode) => view(n).items!;
  const [ra, rb] = [rows(a), rows(b)];
  if (ra.length !== rb.length) return { equal: false, path: 'exact' };
  let path: ExprPath = 'exact';
  for (let i = 0; i < ra.length; i++) {
    const [x, y] = [ra[i]!, rb[i]!];
    const [xs, ys] = [view(x).type === 'ArrayNode' ? rows(x) : [x], view(y).type === 'ArrayNode' ? rows(y) : [y]];
    if (xs.length !== ys.length) return { equal: false, path: 'exact' };
    for (let j = 0; j < xs.length; j++) {
      const v = exprEqual(xs[j]!, ys[j]!, options);
      if (!v.equal) return v;
      if (v.path !== 'exact') path = v.path;
    }
  }
  return { equal: true, path };
}

/** Non-strict mode: `f(y)` answers `f(x)`; variables map onto the gold's in sorted order. */
function renameVariables(node: MathNode, from: Set<string>, to: Set<string>): MathNode {
  if (from.size !== to.size) return node;
  const src = [...from].sort();
  const dst = [...to].sort();
  const { math } = getMath();
  return node.transform((n) => (math.isSymbolNode(n) && src.includes(n.name) ? new math.SymbolNode(dst[src.indexOf(n.name)]!) : n));
}
