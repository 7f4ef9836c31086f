/**
 * Set equality by membership: a single-variable relation (`1 \le |z| \le 3/2`)
 * and a set (`[-3/2, -1] \cup [1, 3/2]`) are compared at every boundary, just
 * inside and outside it, between boundaries and at seeded random points.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { formatNode } from './format-value.ts';
import { evalFloat, type FloatScope } from './evaluate.ts';
import { freeVariables, prng } from './expr-equal.ts';
import { LimitError } from './limits.ts';
import { fnName, view, type RelOp, type Value } from './value.ts';

export type Predicate = (t: number) => boolean | null;
const T = '__t';

function num(node: MathNode, t: number, deadline: number): number | null {
  try {
    const v = evalFloat(node, { vars: new Map([[T, t]]), complex: false, deadline } satisfies FloatScope);
    return typeof v === 'number' && !Number.isNaN(v) ? v : null;
  } catch (error) {
    if (error instanceof LimitError) throw error;
    return null;
  }
}

function holds(l: number, op: RelOp, r: number): boolean {
  const tol = Number.isFinite(l) && Number.isFinite(r) ? 1e-9 * Math.max(1, Math.abs(l), Math.abs(r)) : 0;
  switch (op) {
    case '<': return l < r - tol;
    case '<=': return l <= r + tol;
    case '>': return l > r + tol;
    case '>=': return l >= r - tol;
    case '!=': return Math.abs(l - r) > tol;
    default: return Math.abs(l - r) <= tol;
  }
}

/** Replaces the variable (a symbol, or a name such as `f(x)`) by the probe `__t`. */
export function substitute(node: MathNode, target: string): MathNode {
  const { math } = getMath();
  return node.transform((n) => (formatNode(n) === target ? new math.SymbolNode(T) : n));
}

/** The membership predicate of a set-like value, or null when it is none. */
export function setPredicate(v: Value, deadline: number): Predicate | null {
  switch (v.kind) {
    case 'interval':
    case 'tuple': {
      if (v.kind === 'tuple' && (v.items.length !== 2 || v.ratio || v.items.some((i) => i.kind !== 'expr'))) return null;
      const [lo, hi, loClosed, hiClosed] = v.kind === 'interval' ? [v.lo, v.hi, v.loClosed, v.hiClosed] : [(v.items[0] as { node: MathNode }).node, (v.items[1] as { node: MathNode }).node, false, false];
      const a = num(lo, 0, deadline);
      const b = num(hi, 0, deadline);
      if (a === null || b === null) return null;
      return (t) => holds(a, loClosed ? '<=' : '<', t) && holds(t, hiClosed ? '<=' : '<', b);
    }
    case 'set': {
      const xs = v.items.map((i) => (i.kind === 'expr' ? num(i.node, 0, deadline) : null));
      if (xs.some((x) => x === null)) return null;
      return (t) => xs.some((x) => holds(t, '=', x!));
    }
    case 'union': {
      const parts = v.parts.map((p) => setPredicate(p, deadline));
      if (parts.some((p) => !p)) return null;
      return (t) => parts.some((p) => p!(t));
    }
    default:
      return null;
  }
}

/** The predicate "t satisfies the relation", with `target` as the variable. */
export function relationPredicate(v: Value, target: string, deadline: number): Predicate | null {
  if (v.kind !== 'relation') return setPredicate(v, deadline);
  const sides = v.sides.map((s) => (s.kind === 'expr' ? substitute(s.node, target) : s));
  return (t) => {
    for (let i = 0; i < v.ops.length; i++) {
      const op = v.ops[i]!;
      const left = sides[i]!;
      const right = sides[i + 1]!;
      if (!('type' in left)) return null;
      const l = num(left, t, deadline);
      if (l === null) return null;
      if (op === 'in') {
        const inSet = setPredicate(right as Value, deadline);
        if (!inSet || !inSet(l)) return inSet ? false : null;
        continue;
      }
      if (!('type' in right)) return null;
      const r = num(right, t, deadline);
      if (r === null) return null;
      if (!holds(l, op === 'approx' ? '=' : op, r)) return false;
    }
    return true;
  };
}

/** `x` of `x \in S`. */
export function inTarget(v: Value): string | null {
  if (v.kind !== 'relation' || v.ops[0] !== 'in' || v.sides[0]!.kind !== 'expr') return null;
  const n = v.sides[0].node;
  return n.type === 'SymbolNode' ? formatNode(n) : null;
}

/** The one variable of a relation: a lone non-constant side that is a symbol or `f(x)`, else the only free symbol. */
export function relationTarget(v: Value): string | null {
  if (v.kind !== 'relation') return null;
  const own = inTarget(v);
  if (own) return own;
  const varying = v.sides.filter((s) => s.kind === 'expr' && freeVariables(s.node).vars.size > 0);
  const lone = varying.length === 1 && varying[0]!.kind === 'expr' ? varying[0].node : null;
  if (lone && (lone.type === 'SymbolNode' || (lone.type === 'FunctionNode' && !['abs', 'sqrt'].includes(fnName(view(lone)))))) return formatNode(lone);
  const vars = new Set<string>();
  for (const s of v.sides) if (s.kind === 'expr') for (const x of freeVariables(s.node).vars) vars.add(x);
  return vars.size === 1 ? [...vars][0]! : null;
}

/** Boundaries of both sides: constants of the relation, ends and elements of the set. */
function boundaries(values: Value[], deadline: number): number[] {
  const out: number[] = [];
  const visit = (v: Value) => {
    if (v.kind === 'expr') {
      if (freeVariables(v.node).vars.size === 0) {
        const x = num(v.node, 0, deadline);
        if (x !== null && Number.isFinite(x)) out.push(x, -x);
      }
    } else if (v.kind === 'interval') {
      visit({ kind: 'expr', node: v.lo });
      visit({ kind: 'expr', node: v.hi });
    } else if (v.kind === 'union') v.parts.forEach(visit);
    else if (v.kind === 'relation') v.sides.forEach(visit);
    else if (v.kind === 'set' || v.kind === 'tuple' || v.kind === 'list') v.items.forEach(visit);
  };
  values.forEach(visit);
  return [...new Set(out)].sort((a, b) => a - b);
}

export function samePredicates(p: Predicate, q: Predicate, values: Value[], deadline: number): boolean {
  const bounds = boundaries(values, deadline);
  const m = Math.max(1, ...bounds.map(Math.abs)) + 1;
  const points = [0, 0.5, -0.5, m, -m, 1e4, -1e4];
  bounds.forEach((b, i) => {
    const d = 1e-6 * Math.max(1, Math.abs(b));
    points.push(b, b - d, b + d);
    if (i > 0) points.push((b + bounds[i - 1]!) / 2);
  });
  const rand = prng(0x1e7);
  for (let i = 0; i < 16; i++) points.push((rand() * 2 - 1) * 2 * m);
  let checked = 0;
  for (const t of points) {
    const a = p(t);
    const b = q(t);
    if (a === null || b === null) continue;
    if (a !== b) return false;
    checked++;
  }
  return checked >= 3;
}
