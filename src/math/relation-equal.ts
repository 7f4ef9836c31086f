/**
 * Relations: `x = 5` is its right side when the left is a name; chains keep
 * their last value; equations and inequalities compare as wholes (scaled or
 * negated, sides flipped) or, with one variable, as sets of solutions.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { evalFloat, Suspicious } from './evaluate.ts';
import type { NumericOptions } from './expr-equal.ts';
import { close, freeVariables, prng } from './numeric.ts';
import { LimitError } from './limits.ts';
import { inTarget, predicateOf, samePredicates, targetOf } from './membership.ts';
import { canonEqual, EXACT_ONLY, isCompleteCanon, mulC, constCanon, subC, toCanon, type Canon } from './canon/canonical.ts';
import * as Q from './rational.ts';
import { fnName, view, type RelOp, type Value } from './value.ts';

const BUILTIN = new Set(['sqrt', 'nthRoot', 'sin', 'cos', 'tan', 'log', 'exp', 'percent', 'pm', 'sum', 'prod', 'combinations']);

/** A name: `x`, `x_1`, `f(x)`, `|AB|`, `NO/BO`, `(p, q)`, `A:B`; no numbers outside arguments. */
export function isName(v: Value): boolean {
  if (v.kind === 'tuple') return v.items.every(isName);
  if (v.kind !== 'expr') return false;
  const walk = (n: MathNode): boolean => {
    const x = view(n);
    if (x.type === 'SymbolNode') return x.name !== 'pi' && x.name !== 'e';
    if (x.type === 'ParenthesisNode') return walk(x.content!);
    if (x.type === 'OperatorNode') return (x.fn === 'multiply' || x.fn === 'divide') && x.args!.every(walk);
    if (x.type === 'FunctionNode') {
      const fn = fnName(x);
      return fn === 'abs' ? x.args!.every(walk) : !BUILTIN.has(fn);
    }
    return false;
  };
  return walk(v.node);
}

export interface Reduced {
  name?: Value;
  value: Value;
}

/** `x = 5` → 5 (named x); `x = 2+3 = 5` → 5; `x \approx 11` → 11; `x \in S` → S. */
export function reduceRelation(v: Value): Reduced | null {
  if (v.kind !== 'relation') return null;
  let { ops, sides } = v;
  const approx = ops.indexOf('approx');
  if (approx === 0) ops = ['=', ...ops.slice(1)];
  else if (approx > 0) [ops, sides] = [ops.slice(0, approx), sides.slice(0, approx + 1)];
  if (ops.length === 1 && ops[0] === 'in' && isName(sides[0]!)) return { name: sides[0]!, value: sides[1]! };
  if (!ops.every((op) => op === '=')) return null;
  if (isName(sides[0]!)) return { name: sides[0]!, value: sides.at(-1)! };
  if (sides.length === 2 && isName(sides[1]!)) return { name: sides[1]!, value: sides[0]! };
  // A computation chain (`1/2 = 10/9`, `1 = a = x = 0`) ends in its value.
  const constant = (x: Value) => x.kind === 'expr' && freeVariables(x.node).vars.size === 0;
  if (sides.length >= 3 || sides.every(constant)) return { value: sides.at(-1)! };
  return null;
}

const FLIP: Partial<Record<RelOp, RelOp>> = { '>': '<', '>=': '<=' };

/** Writes `a > b > c` as `c < b < a`, so direction does not matter. */
function upward(v: Extract<Value, { kind: 'relation' }>): Extract<Value, { kind: 'relation' }> {
  if (!v.ops.every((op) => FLIP[op])) return v;
  return { kind: 'relation', ops: v.ops.map((op) => FLIP[op]!).reverse(), sides: [...v.sides].reverse() };
}

type Compare = (a: Value, b: Value) => boolean;

export function relationEqual(gold: Value, pred: Value, compare: Compare, options: NumericOptions & { allowSetRelation: boolean }): boolean {
  if (gold.kind !== 'relation' || pred.kind !== 'relation') return false;
  const g = upward(gold);
  const p = upward(pred);
  if (g.ops.join() === p.ops.join() && g.sides.length === p.sides.length && g.sides.every((s, i) => compare(s, p.sides[i]!))) return true;
  if (g.ops.length === 1 && p.ops.length === 1 && sameKind(g.ops[0]!, p.ops[0]!) && proportional(g, p, options)) return true;
  // `x \in S` answered by inequalities only when allowed (Math-Verify's policy).
  if (g.ops.includes('in') && !p.ops.includes('in') && !options.allowSetRelation) return false;
  const target = inTarget(p) ?? inTarget(g) ?? targetOf(g) ?? targetOf(p);
  if (!target) return false;
  const a = predicateOf(g, target, options.deadline);
  const b = predicateOf(p, target, options.deadline);
  return !!a && !!b && samePredicates(a, b, [g, p], options.deadline);
}

/** Single-variable conditions (a relation, several that all hold, or inequalities joined by "or") against a set, either way round: the same solutions. */
export function relationEqualsSet(gold: Value, answer: Value, options: NumericOptions): boolean {
  const target = targetOf(gold) ?? targetOf(answer);
  if (!target) return false;
  const a = predicateOf(gold, target, options.deadline);
  const b = predicateOf(answer, target, options.deadline);
  return !!a && !!b && samePredicates(a, b, [gold, answer], options.deadline);
}

const sameKind = (a: RelOp, b: RelOp) => a === b || (a === '=' && b === 'approx') || (a === 'approx' && b === '=');

/**
 * `2x+4y-3=0` vs `y = -x/2 + 3/4`: L - R of one is a constant multiple of the other's (positive for inequalities).
 * The answer's side is evaluated with the Suspicious guard: `x + \sin(10^{-20}) > 1` is `x > 1` to floats.
 */
function proportional(g: Extract<Value, { kind: 'relation' }>, p: Extract<Value, { kind: 'relation' }>, options: NumericOptions): boolean {
  const { math } = getMath();
  const diff = (v: typeof g) => {
    const [l, r] = v.sides;
    return l!.kind === 'expr' && r!.kind === 'expr' ? new math.OperatorNode('-', 'subtract', [l.node, r.node]) : null;
  };
  const f = diff(g);
  const h = diff(p);
  if (!f || !h) return false;
  const exact = exactRatio(f, h);
  if (exact !== undefined) return exact !== null && (g.ops[0] === '=' || g.ops[0] === '!=' || g.ops[0] === 'approx' || Q.sign(exact) > 0);
  const vars = [...new Set([...freeVariables(f).vars, ...freeVariables(h).vars])];
  if (!vars.length) return false;
  const rand = prng(0xa11);
  let ratio: number | null = null;
  let agreeing = 0;
  let suspicious = 0;
  for (let attempt = 0; attempt < 30 && agreeing < 6; attempt++) {
    if (Date.now() > options.deadline) throw new LimitError('deadline');
    const scope = {
      vars: new Map(vars.map((v) => [v, (0.3 + rand() * 3) * (rand() < 0.4 ? -1 : 1)] as [string, number])),
      complex: false,
      deadline: options.deadline,
    };
    let a: unknown, b: unknown;
    try {
      a = evalFloat(f, scope);
      b = evalFloat(h, { ...scope, guard: true });
    } catch (error) {
      if (error instanceof LimitError) throw error;
      if (error instanceof Suspicious) suspicious++;
      continue;
    }
    if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    if (Math.abs(b) < 1e-12) {
      if (Math.abs(a) < 1e-12) continue;
      return false;
    }
    const r = a / b;
    if (ratio === null) ratio = r;
    else if (!close(r, ratio, 1e-8)) return false;
    agreeing++;
  }
  // After a point where the answer holds a value floats cannot be trusted with, only full agreement counts (as in identity.ts).
  if (ratio === null || agreeing < (suspicious ? 6 : 3) || Math.abs(ratio) < 1e-12) return false;
  return g.ops[0] === '=' || g.ops[0] === '!=' || g.ops[0] === 'approx' || ratio > 0;
}

/**
 * The rational c with h = c·f, from exact forms: null when there is none, undefined when the forms
 * cannot decide (then floats do).
 */
function exactRatio(f: MathNode, h: MathNode): Q.Rational | null | undefined {
  const cf = toCanon(f, EXACT_ONLY);
  const ch = toCanon(h, EXACT_ONLY);
  if (!cf || !ch || !cf.num.size || !ch.num.size) return undefined;
  const lead = (c: Canon) => [...c.num.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))[0]!;
  const [mf, mh] = [lead(cf), lead(ch)];
  if (mf.key !== mh.key) return isCompleteCanon(cf) && isCompleteCanon(ch) ? null : undefined;
  const c = Q.div(mh.coef, mf.coef);
  if (canonEqual(subC(ch, mulC(constCanon(c), cf)), constCanon(Q.ZERO))) return c;
  return isCompleteCanon(cf) && isCompleteCanon(ch) ? null : undefined;
}
