/**
 * The float judge, for what exact forms leave open (trigonometric identities,
 * unknown functions, floors of variables): constants compared once, variables
 * by a seeded identity test at random points, mathjs simplify(a - b) last.
 * The answer is evaluated with the Suspicious guard: a point where it holds a
 * value floats cannot be trusted with is no evidence of equality.
 */
import type { MathNode } from 'mathjs';
import { spend } from './budget.ts';
import { getMath } from './mathjs.ts';
import { LimitError } from './limits.ts';
import { evalFloat, isConstantTree, Suspicious, type FloatScope } from './evaluate.ts';
import type { ExprVerdict, NumericOptions } from './expr-equal.ts';
import { close, prng, type Walk } from './numeric.ts';
import { countNodes, fnName, someNode, view } from './value.ts';

type Num = ReturnType<typeof evalFloat>;

/** Float noise of a value of order 1 that is really 0 (`\sin^2 1 + \cos^2 1 - 1`). */
const FLOAT_NOISE = 1e-15;
/** The floor under a relative tolerance at random points, where values come from longer computations. */
const POINT_NOISE = 1e-12;

const finite = (v: Num): boolean => (Array.isArray(v) ? v.every((x) => finite(x as Num)) : typeof v !== 'number' || Number.isFinite(v));
const hasNaN = (v: Num): boolean =>
  Array.isArray(v)
    ? v.some((x) => hasNaN(x as Num))
    : typeof v === 'number'
      ? Number.isNaN(v)
      : Number.isNaN((v as { re: number }).re) || Number.isNaN((v as { im: number }).im);

/** The value, `null` outside the domain, or `suspicious`. */
function value(node: MathNode, scope: FloatScope): Num | null | 'suspicious' {
  try {
    const v = evalFloat(node, scope);
    return typeof v === 'number' && Number.isNaN(v) ? null : v;
  } catch (error) {
    if (error instanceof LimitError) throw error;
    if (error instanceof Suspicious) return 'suspicious';
    return null;
  }
}

export function numericEqual(a: MathNode, b: MathNode, names: Set<string>, integer: Walk['integer'], options: NumericOptions): ExprVerdict {
  const size = countNodes(a) + countNodes(b);
  spend(size);
  if (names.size === 0) return { equal: constantsEqual(a, b, options), path: 'numeric' };
  return identity(a, b, size, names, integer, options);
}

function constantsEqual(a: MathNode, b: MathNode, options: NumericOptions): boolean {
  const scope: FloatScope = { vars: new Map(), complex: false, deadline: options.deadline };
  const complexScope = { ...scope, complex: true };
  const fa = value(a, scope) ?? value(a, complexScope);
  let fb = value(b, { ...scope, guard: true });
  if (fb === null) fb = value(b, { ...complexScope, guard: true });
  if (fa === null || fa === 'suspicious' || fb === null || fb === 'suspicious') return false;
  return close(fa, fb, options.relTol, FLOAT_NOISE);
}

/** Functions that can be flat, or vanish, over the sampled range and differ outside it (`\max(0, x - 100)`). */
const PIECEWISE = new Set(['floor', 'ceil', 'abs', 'max', 'min', 'sign', 'mod']);

/** Extra points for piecewise answers: far out, and at each constant the answer holds (where its kinks are). */
function piecewisePoints(a: MathNode, b: MathNode): number[] {
  const piecewise = (n: MathNode) => someNode(n, (x) => PIECEWISE.has(fnName(view(x))));
  if (!piecewise(a) && !piecewise(b)) return [];
  const out = new Set([0, 1, -1, 1000.5, -1000.5, 123456.7, -123456.7]);
  const scope: FloatScope = { vars: new Map(), complex: false, deadline: Infinity };
  for (const n of b.filter((x) => isConstantTree(x)).slice(0, 64)) {
    const v = value(n, scope);
    if (typeof v === 'number' && Number.isFinite(v)) for (const x of [v, -v, v + 1e-3, v - 1e-3]) out.add(x);
  }
  return [...out];
}

type PointVerdict = 'agree' | 'differ' | 'skip' | 'suspicious';

function atPoint(a: MathNode, b: MathNode, scope: FloatScope, relTol: number, guard: boolean): PointVerdict {
  const fa = value(a, scope);
  const fb = value(b, { ...scope, guard });
  if (fb === 'suspicious') return 'suspicious';
  if (fa === null || fa === 'suspicious' || fb === null || hasNaN(fa) || hasNaN(fb)) return 'skip'; // outside a domain: skipped, not judged
  if (!finite(fa) || !finite(fb)) return fa === fb ? 'skip' : 'differ'; // infinite on one side only
  return close(fa, fb, relTol, POINT_NOISE) ? 'agree' : 'differ';
}

/** `size` is the node count of both trees, spent once per point. */
function identity(a: MathNode, b: MathNode, size: number, vars: Set<string>, integer: Walk['integer'], options: NumericOptions): ExprVerdict {
  const rand = prng(0x5eed);
  const names = [...vars];
  const complex = names.length === 1 && names[0] === 'i';
  let agreeing = 0;
  let suspicious = 0;
  for (let attempt = 0; attempt < 40 && agreeing < 6; attempt++) {
    if (Date.now() > options.deadline) throw new LimitError('deadline');
    spend(size);
    const spread = attempt < 20 ? 3 : 60;
    // Step functions are sampled at integers and between them, so `\lceil x \rceil` does not answer `x`.
    const atInteger = integer === 'only' || (integer === 'also' && attempt % 2 === 0);
    const point = new Map(
      names.map((v) => {
        const x = atInteger ? 2 + Math.floor(rand() * 8) : (0.25 + rand() * spread) * (rand() < 0.3 ? -1 : 1);
        return [v, x] as [string, number];
      }),
    );
    if (complex) point.delete('i');
    const verdict = atPoint(a, b, { vars: point, complex, deadline: options.deadline }, options.relTol, true);
    if (verdict === 'differ') return { equal: false, path: 'identity' };
    if (verdict === 'suspicious') suspicious++;
    if (verdict === 'agree') agreeing++;
  }
  // After a suspicious point only full agreement counts, and never simplify, which folds constants in floats too.
  if (agreeing < (suspicious ? 6 : 3)) return { equal: suspicious === 0 && simplifiesToZero(a, b, size), path: 'simplify' };
  if (integer !== 'only' && !complex) {
    for (const x of piecewisePoints(a, b)) {
      spend(size);
      const verdict = atPoint(a, b, { vars: new Map(names.map((v) => [v, x])), complex, deadline: options.deadline }, options.relTol, true);
      if (verdict === 'differ') return { equal: false, path: 'identity' };
    }
  }
  return { equal: true, path: 'identity' };
}

/** Past this many nodes mathjs simplify may take seconds; such pairs stay unproven. */
const MAX_SIMPLIFY_NODES = 60;

function simplifiesToZero(a: MathNode, b: MathNode, size: number): boolean {
  const { math, simplify } = getMath();
  if (size > MAX_SIMPLIFY_NODES) return false;
  spend(20_000); // simplify's rule passes are the costliest step here
  try {
    const d = simplify(new math.OperatorNode('-', 'subtract', [a, b]));
    return math.isConstantNode(d) && d.value === 0;
  } catch {
    return false;
  }
}
