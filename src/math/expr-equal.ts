/**
 * Equality of two scalar or matrix expressions: exactly when both are
 * rational, numerically (relative tolerance) when constant, and by a
 * probabilistic identity test (seeded random points) when they have
 * variables, with mathjs simplify(a - b) as the last resort.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { LimitError } from './limits.ts';
import { evalExact, evalFloat, type FloatScope } from './evaluate.ts';
import * as Q from './rational.ts';
import { fnName, view } from './value.ts';

export interface NumericOptions {
  relTol: number;
  /** Also accept equality after rounding both sides to this many decimals. */
  roundDigits: number | null;
  strictVariables: boolean;
  deadline: number;
}

export type ExprPath = 'exact' | 'numeric' | 'identity' | 'simplify';
export interface ExprVerdict {
  equal: boolean;
  path: ExprPath;
}

const CONSTANTS = new Set(['pi', 'e']);
/** Defined on integers only: their variables are sampled at integers. */
const INTEGER_FUNCTIONS = new Set(['sum', 'prod', 'combinations', 'gcd', 'lcm', 'factorial']);
/** Defined everywhere but often written for integers (`\lfloor n/2 \rfloor`): sampled at both. */
const STEP_FUNCTIONS = new Set(['floor', 'ceil']);

interface Walk {
  vars: Set<string>;
  /** `only`: sums, factorials, indexed families; `also`: floor and ceil. */
  integer: false | 'also' | 'only';
}

/** Free variables of a tree, and whether it wants integer points. */
export function freeVariables(node: MathNode, bound = new Set<string>(), acc: Walk = { vars: new Set(), integer: false }): Walk {
  const n = view(node);
  if (n.type === 'SymbolNode' && !CONSTANTS.has(n.name!) && !bound.has(n.name!)) acc.vars.add(n.name!);
  const fn = fnName(n);
  if (fn && (INTEGER_FUNCTIONS.has(fn) || fn.endsWith('_'))) acc.integer = 'only';
  else if (fn && STEP_FUNCTIONS.has(fn) && !acc.integer) acc.integer = 'also';
  if ((fn === 'sum' || fn === 'prod') && n.args) {
    const inner = new Set(bound).add(view(n.args[1]!).name!);
    freeVariables(n.args[0]!, inner, acc);
    for (const a of n.args.slice(2)) freeVariables(a, bound, acc);
    return acc;
  }
  for (const child of n.args ?? n.items ?? (n.content ? [n.content] : [])) freeVariables(child, bound, acc);
  return acc;
}

type Num = ReturnType<typeof evalFloat>;

/**
 * Float noise of a value computed from terms of order 1 that is really 0 (`\sin\pi` is 1.2e-16): the
 * floor under a relative tolerance. Kept at a few ulps so that `0` does not answer `e^{-30}`.
 */
const FLOAT_NOISE = 1e-15;

/** Equal within `relTol` (and, where the values are floats, `absTol`), or after rounding to `roundDigits`. */
export function close(x: Num, y: Num, relTol: number, roundDigits: number | null, absTol = relTol > 0 ? FLOAT_NOISE : 0): boolean {
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((xi, i) => close(xi as Num, y[i] as Num, relTol, roundDigits, absTol));
  }
  if (typeof x === 'number' && typeof y === 'number') {
    if (x === y) return true;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (Math.abs(x - y) <= Math.max(relTol * Math.max(Math.abs(x), Math.abs(y)), absTol)) return true;
    if (roundDigits === null) return false;
    const f = 10 ** roundDigits;
    return Math.abs(Math.round(x * f) - Math.round(y * f)) < 0.5;
  }
  const { math } = getMath();
  const [cx, cy] = [math.complex(x as never), math.complex(y as never)];
  return (math.abs(math.subtract(cx, cy) as never) as number) <= Math.max(relTol * Math.max(math.abs(cx) as number, math.abs(cy) as number), absTol);
}

function isPercent(n: MathNode): MathNode | null {
  const f = view(n);
  return f.type === 'FunctionNode' && fnName(f) === 'percent' ? f.args![0]! : null;
}

/**
 * A gold `28\%` may be answered by 28 or by 0.28; an answer's `28\%` is read as 28 only (as Math-Verify
 * does), so one answer cannot match both a gold of 28 and a gold of 0.28. A bare gold is only itself.
 */
export function exprEqual(gold: MathNode, answer: MathNode, options: NumericOptions): ExprVerdict {
  const percentOf = isPercent(gold);
  const golds = percentOf ? [percentOf, gold] : [gold];
  const answers = [isPercent(answer) ?? answer];
  let last: ExprVerdict = { equal: false, path: 'numeric' };
  for (const x of golds) {
    for (const y of answers) {
      last = exprEqualPlain(x, y, options);
      if (last.equal) return last;
    }
  }
  return last;
}

function exprEqualPlain(a: MathNode, b: MathNode, options: NumericOptions): ExprVerdict {
  const wa = freeVariables(a);
  const wb = freeVariables(b);
  if (wa.vars.size === 0 && wb.vars.size === 0) {
    const ea = evalExact(a);
    const eb = evalExact(b);
    if (ea && eb) {
      if (Q.equals(ea, eb)) return { equal: true, path: 'exact' };
      // Two finite decimals are equal only exactly; a repeating value (1/12) may be answered by its long decimal.
      const finite = Q.terminates(ea) && Q.terminates(eb);
      if (finite && options.roundDigits === null) return { equal: false, path: 'exact' };
      // Exact values carry no float noise: no absolute floor, so `0` does not answer `3^{-30}`.
      return { equal: close(Q.toNumber(ea), Q.toNumber(eb), finite ? 0 : options.relTol, options.roundDigits, 0), path: 'exact' };
    }
    const scope: FloatScope = { vars: new Map(), complex: false, deadline: options.deadline };
    const complexScope = { ...scope, complex: true };
    const fa = safe(() => evalFloat(a, scope)) ?? safe(() => evalFloat(a, complexScope));
    const fb = safe(() => evalFloat(b, scope)) ?? safe(() => evalFloat(b, complexScope));
    return { equal: fa !== null && fb !== null && close(fa, fb, options.relTol, options.roundDigits), path: 'numeric' };
  }
  if (!options.strictVariables) b = renameVariables(b, wb.vars, wa.vars);
  const integer = wa.integer === 'only' || wb.integer === 'only' ? 'only' : wa.integer || wb.integer;
  return identity(a, b, new Set([...wa.vars, ...freeVariables(b).vars]), integer, options);
}

/** Non-strict mode: `f(y)` answers `f(x)`; variables map onto the gold's in sorted order. */
function renameVariables(node: MathNode, from: Set<string>, to: Set<string>): MathNode {
  if (from.size !== to.size) return node;
  const src = [...from].sort();
  const dst = [...to].sort();
  const { math } = getMath();
  return node.transform((n) => (math.isSymbolNode(n) && src.includes(n.name) ? new math.SymbolNode(dst[src.indexOf(n.name)]!) : n));
}

const finite = (v: Num): boolean => (Array.isArray(v) ? v.every((x) => finite(x as Num)) : typeof v !== 'number' || Number.isFinite(v));
const hasNaN = (v: Num): boolean => (Array.isArray(v) ? v.some((x) => hasNaN(x as Num)) : typeof v === 'number' ? Number.isNaN(v) : Number.isNaN((v as { re: number }).re) || Number.isNaN((v as { im: number }).im));

function safe(f: () => Num): Num | null {
  try {
    const v = f();
    return typeof v === 'number' && Number.isNaN(v) ? null : v;
  } catch (error) {
    if (error instanceof LimitError) throw error;
    return null;
  }
}

/** Seeded, so the same pair always gets the same verdict. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function identity(a: MathNode, b: MathNode, vars: Set<string>, integer: Walk['integer'], options: NumericOptions): ExprVerdict {
  const rand = prng(0x5eed);
  const names = [...vars];
  const complex = names.length === 1 && names[0] === 'i';
  let agreeing = 0;
  for (let attempt = 0; attempt < 40 && agreeing < 6; attempt++) {
    if (Date.now() > options.deadline) throw new LimitError('deadline');
    const spread = attempt < 20 ? 3 : 60;
    // Step functions are sampled at integers and between them, so `\lceil x \rceil` does not answer `x`.
    const atInteger = integer === 'only' || (integer === 'also' && attempt % 2 === 0);
    const point = new Map(names.map((v) => {
      const x = atInteger ? 2 + Math.floor(rand() * 8) : (0.25 + rand() * spread) * (rand() < 0.3 ? -1 : 1);
      return [v, x] as [string, number];
    }));
    if (complex) point.delete('i');
    const scope: FloatScope = { vars: point, complex, deadline: options.deadline };
    const fa = safe(() => evalFloat(a, scope));
    const fb = safe(() => evalFloat(b, scope));
    if (fa === null || fb === null || hasNaN(fa) || hasNaN(fb)) continue; // outside a domain: skipped, not judged
    if (!finite(fa) || !finite(fb)) {
      if (fa === fb) continue;
      return { equal: false, path: 'identity' }; // infinite on one side only
    }
    // Values at random points come from long float computations: a looser floor than a constant's.
    if (!close(fa, fb, Math.max(options.relTol, 1e-8), null, 1e-12)) return { equal: false, path: 'identity' };
    agreeing++;
  }
  if (agreeing >= 3) return { equal: true, path: 'identity' };
  return { equal: simplifiesToZero(a, b), path: 'simplify' };
}

/** Past this many nodes mathjs simplify may take seconds; such pairs stay unproven. */
const MAX_SIMPLIFY_NODES = 60;

function simplifiesToZero(a: MathNode, b: MathNode): boolean {
  const { math, simplify } = getMath();
  if (a.filter(() => true).length + b.filter(() => true).length > MAX_SIMPLIFY_NODES) return false;
  try {
    const d = simplify(new math.OperatorNode('-', 'subtract', [a, b]));
    return math.isConstantNode(d) && d.value === 0;
  } catch {
    return false;
  }
}
