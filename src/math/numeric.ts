/**
 * The float helpers the comparisons share: free variables of a tree (and
 * whether it wants integer points), tolerant float equality and a seeded
 * generator of sample points. A leaf of the math modules, so that the
 * comparisons (expr-equal, identity, relation-equal, membership) and the
 * parser can all import it without importing one another.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import type { evalFloat } from './evaluate.ts';
import { fnName, view } from './value.ts';

const CONSTANTS = new Set(['pi', 'e']);
/** Defined on integers only: their variables are sampled at integers. */
const INTEGER_FUNCTIONS = new Set(['sum', 'prod', 'combinations', 'gcd', 'lcm', 'factorial']);
/** Defined everywhere but often written for integers (`\lfloor n/2 \rfloor`): sampled at both. */
const STEP_FUNCTIONS = new Set(['floor', 'ceil']);

export interface Walk {
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

/** Equal within `relTol` of the larger magnitude, or within `absTol`. */
export function close(x: Num, y: Num, relTol: number, absTol = 0): boolean {
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((xi, i) => close(xi as Num, y[i] as Num, relTol, absTol));
  }
  if (typeof x === 'number' && typeof y === 'number') {
    if (x === y) return true;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    return Math.abs(x - y) <= Math.max(relTol * Math.max(Math.abs(x), Math.abs(y)), absTol);
  }
  const { math } = getMath();
  const [cx, cy] = [math.complex(x as never), math.complex(y as never)];
  return (math.abs(math.subtract(cx, cy) as never) as number) <= Math.max(relTol * Math.max(math.abs(cx) as number, math.abs(cy) as number), absTol);
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
