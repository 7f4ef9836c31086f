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
const INTEGER_FUNCTIONS = new Set(['sum', 'prod', 'combinations', 'gcd', 'lcm', 'floor', 'ceil']);

interface Walk {
  vars: Set<string>;
  integer: boolean;
}

/** Free variables of a tree, and whether it wants integer points (sums, factorials, indexed families). */
export function freeVariables(node: MathNode, bound = new Set<string>(), acc: Walk = { vars: new Set(), integer: false }): Walk {
  const n = view(node);
  if (n.type === 'SymbolNode' && !CONSTANTS.has(n.name!) && !bound.has(n.name!)) acc.vars.add(n.name!);
  const fn = fnName(n);
  if (fn && (INTEGER_FUNCTIONS.has(fn) || fn === 'factorial' || fn.endsWith('_'))) acc.integer = true;
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

export function close(x: Num, y: Num, relTol: number, roundDigits: number | null): boolean {
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((xi, i) => close(xi as Num, y[i] as Num, relTol, roundDigits));
  }
  if (typeof x === 'number' && typeof y === 'number') {
    if (x === y) return true;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (Math.abs(x - y) <= relTol * Math.max(Math.abs(x), Math.abs(y)) || (relTol > 0 && Math.abs(x - y) < 1e-12)) return true;
    if (roundDigits === null) return false;
    const f = 10 ** roundDigits;
    return Math.abs(Math.round(x * f) - Math.round(y * f)) < 0.5;
  }
  const { math } = getMath();
  const [cx, cy] = [math.complex(x as never), math.complex(y as never)];
  return (math.abs(math.subtract(cx, cy) as never) as number) <= Math.max(relTol * Math.max(math.abs(cx) as number, math.abs(cy) as number), 1e-12);
}

function isPercent(n: MathNode): MathNode | null {
  const f = view(n);
  return f.type === 'FunctionNode' && fnName(f) === 'percent' ? f.args![0]! : null;
}

/** `28\%` may be read as 28 or as 0.28; a bare side is only itself. */
export function exprEqual(a: MathNode, b: MathNode, options: NumericOptions): ExprVerdict {
  const readings = (n: MathNode) => {
    const inner = isPercent(n);
    return inner ? [inner, n] : [n];
  };
  let last: ExprVerdict = { equal: false, path: 'numeric' };
  for (const x of readings(a)) {
    for (const y of readings(b)) {
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
      return { equal: close(Q.toNumber(ea), Q.toNumber(eb), finite ? 0 : options.relTol, options.roundDigits), path: 'exact' };
    }
    const scope: FloatScope = { vars: new Map(), complex: false, deadline: options.deadline };
    const complexScope = { ...scope, complex: true };
    const fa = safe(() => evalFloat(a, scope)) ?? safe(() => evalFloat(a, complexScope));
    const fb = safe(() => evalFloat(b, scope)) ?? safe(() => evalFloat(b, complexScope));
    return { equal: fa !== null && fb !== null && close(fa, fb, options.relTol, options.roundDigits), path: 'numeric' };
  }
  if (!options.strictVariables) b = renameVariables(b, wb.vars, wa.vars);
  return identity(a, b, new Set([...wa.vars, ...freeVariables(b).vars]), wa.integer || wb.integer, options);
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

function identity(a: MathNode, b: MathNode, vars: Set<string>, integer: boolean, options: NumericOptions): ExprVerdict {
  const rand = prng(0x5eed);
  const names = [...vars];
  const complex = names.length === 1 && names[0] === 'i';
  let agreeing = 0;
  for (let attempt = 0; attempt < 40 && agreeing < 6; attempt++) {
    if (Date.now() > options.deadline) throw new LimitError('deadline');
    const spread = attempt < 20 ? 3 : 60;
    const point = new Map(names.map((v) => {
      const x = integer ? 2 + Math.floor(rand() * 8) : (0.25 + rand() * spread) * (rand() < 0.3 ? -1 : 1);
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
    if (!close(fa, fb, Math.max(options.relTol, 1e-8), null)) return { equal: false, path: 'identity' };
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
