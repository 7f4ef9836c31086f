/**
 * Set equality by membership: a single-variable relation (`1 \le |z| \le 3/2`)
 * and a set (`[-3/2, -1] \cup [1, 3/2]`) are compared at every boundary, just
 * inside and outside it, between boundaries and at seeded random points.
 * Boundaries closer than floats can tell apart must be exactly equal, and
 * the answer's constants must be ones floats can be trusted with.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { spend } from './budget.ts';
import { canonEqual, EXACT_ONLY, toCanon } from './canon/canonical.ts';
import { formatNode } from './format-value.ts';
import { evalFloat, Suspicious, type FloatScope } from './evaluate.ts';
import { freeVariables, prng } from './numeric.ts';
import { LimitError } from './limits.ts';
import { fnName, view, type RelOp, type Value } from './value.ts';

export type Predicate = (t: number) => boolean | null;
const T = '__t';

function num(node: MathNode, t: number, deadline: number): number | null {
  spend(1);
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
    case '<':
      return l < r - tol;
    case '<=':
      return l <= r + tol;
    case '>':
      return l > r + tol;
    case '>=':
      return l >= r - tol;
    case '!=':
      return Math.abs(l - r) > tol;
    default:
      return Math.abs(l - r) <= tol;
  }
}

/** Replaces the variable (a symbol, or a name such as `f(x)`) by the probe `__t`. */
function substitute(node: MathNode, target: string): MathNode {
  const { math } = getMath();
  return node.transform((n) => (formatNode(n) === target ? new math.SymbolNode(T) : n));
}

/** The membership predicate of a set-like value, or null when it is none. */
function setPredicate(v: Value, deadline: number): Predicate | null {
  switch (v.kind) {
    case 'interval':
    case 'tuple': {
      if (v.kind === 'tuple' && (v.items.length !== 2 || v.ratio || v.items.some((i) => i.kind !== 'expr'))) return null;
      const [lo, hi, loClosed, hiClosed] =
        v.kind === 'interval'
          ? [v.lo, v.hi, v.loClosed, v.hiClosed]
          : [(v.items[0] as { node: MathNode }).node, (v.items[1] as { node: MathNode }).node, false, false];
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
function relationPredicate(v: Value, target: string, deadline: number): Predicate | null {
  if (v.kind !== 'relation') return setPredicate(v, deadline);
  const sides = v.sides.map((s) => (s.kind === 'expr' ? substitute(s.node, target) : s));
  // The set right of an `in` does not depend on t: built once, at the first probe that reaches it (so a guard
  // rail its ends hit fires only where that set is needed), and kept for the others.
  const sets = new Map<number, Predicate | null>();
  return (t) => {
    for (let i = 0; i < v.ops.length; i++) {
      const op = v.ops[i]!;
      const left = sides[i]!;
      const right = sides[i + 1]!;
      if (!('type' in left)) return null;
      const l = num(left, t, deadline);
      if (l === null) return null;
      if (op === 'in') {
        if (!sets.has(i)) sets.set(i, setPredicate(right as Value, deadline));
        const inSet = sets.get(i) ?? null;
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

/** Conditions that all hold (`and`) or inequalities of which one holds (a list), else a relation or a set. */
export function predicateOf(v: Value, target: string, deadline: number): Predicate | null {
  if (v.kind === 'and' || v.kind === 'list') {
    const parts = (v.kind === 'and' ? v.parts : v.items).map((p) => predicateOf(p, target, deadline));
    if (parts.some((p) => !p)) return null;
    return (t) => {
      const xs = parts.map((p) => p!(t));
      if (xs.some((x) => x === null)) return null;
      return v.kind === 'and' ? xs.every(Boolean) : xs.some(Boolean);
    };
  }
  return relationPredicate(v, target, deadline);
}

/** `x` of `x \in S`. */
export function inTarget(v: Value): string | null {
  if (v.kind !== 'relation' || v.ops[0] !== 'in' || v.sides[0]!.kind !== 'expr') return null;
  const n = v.sides[0].node;
  return n.type === 'SymbolNode' ? formatNode(n) : null;
}

/** The one variable of a relation: a lone non-constant side that is a symbol or `f(x)`, else the only free symbol. */
function relationTarget(v: Value): string | null {
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

/** The variable shared by every part of a conjunction or a list of relations. */
export function targetOf(v: Value): string | null {
  if (v.kind === 'relation') return relationTarget(v);
  if (v.kind !== 'and' && v.kind !== 'list') return null;
  const targets = new Set((v.kind === 'and' ? v.parts : v.items).map(targetOf));
  return targets.size === 1 ? [...targets][0]! : null;
}

interface Boundary {
  x: number;
  node: MathNode;
}

/** The expressions of a value in order: itself, interval ends, and those of its parts, sides and items. */
function valueNodes(v: Value, out: MathNode[] = []): MathNode[] {
  if (v.kind === 'expr') out.push(v.node);
  else if (v.kind === 'interval') out.push(v.lo, v.hi);
  else if (v.kind === 'union' || v.kind === 'and') for (const w of v.parts) valueNodes(w, out);
  else if (v.kind === 'relation') for (const w of v.sides) valueNodes(w, out);
  else if (v.kind === 'set' || v.kind === 'tuple' || v.kind === 'list') for (const w of v.items) valueNodes(w, out);
  return out;
}

/** Boundaries of one side: constants of its relations, ends and elements of its sets. */
function boundaries(v: Value, deadline: number): Boundary[] {
  const out: Boundary[] = [];
  for (const node of valueNodes(v)) {
    if (freeVariables(node).vars.size > 0) continue;
    const x = num(node, 0, deadline);
    if (x !== null && Number.isFinite(x)) out.push({ x, node });
  }
  return out;
}

/**
 * Where an answer's variables stand while it is checked: no round number, at which `\ln(2x)` or
 * `\cos(\pi x)` would vanish or land on an integer exactly and look suspicious.
 */
const GUARD_POINT = 0.7316;

/** The answer's constants are ones floats can judge (see Suspicious), its variables bound so that `x + 10^{-20}` is checked too. */
function trustworthy(v: Value, deadline: number): boolean {
  for (const node of valueNodes(v)) {
    const vars = new Map([...freeVariables(node).vars].map((name) => [name, GUARD_POINT] as [string, number]));
    try {
      evalFloat(node, { vars, complex: false, deadline, guard: true });
    } catch (error) {
      if (error instanceof Suspicious) return false;
      if (error instanceof LimitError) throw error;
    }
  }
  return true;
}

/** Two boundaries floats cannot tell apart must be exactly equal (`3` and `3 + 10^{-20}` are not). */
function boundariesAgree(gold: Boundary[], answer: Boundary[]): boolean {
  for (const a of answer) {
    for (const g of gold) {
      const near = Math.abs(a.x - g.x) <= 1e-9 * Math.max(1, Math.abs(g.x));
      if (!near) continue;
      spend(4);
      const [ca, cg] = [toCanon(a.node, EXACT_ONLY), toCanon(g.node, EXACT_ONLY)];
      if (!ca || !cg || !canonEqual(ca, cg)) return false;
    }
  }
  return true;
}

/** `values` is [gold, answer]. */
export function samePredicates(p: Predicate, q: Predicate, values: [Value, Value], deadline: number): boolean {
  const [gold, answer] = values;
  if (!trustworthy(answer, deadline)) return false;
  const gb = boundaries(gold, deadline);
  const ab = boundaries(answer, deadline);
  if (!boundariesAgree(gb, ab)) return false;
  const bounds = [...new Set([...gb, ...ab].flatMap((b) => [b.x, -b.x]))].sort((a, b) => a - b);
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
