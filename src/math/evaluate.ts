/**
 * Evaluates node trees built by our parser in floats (complex only when
 * asked); exact values are canon/'s. Unknown functions (`f(x)`, `F_{n-1}`) are fixed pseudo-random functions,
 * so identities survive and non-identities show. Every step is bounded.
 */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { LIMITS, LimitError } from './limits.ts';
import { DECIMALS, fnName, nodeFact, view } from './value.ts';

type Num = number | { re: number; im: number } | unknown[];

export interface FloatScope {
  vars: Map<string, number>;
  /** `i` is the imaginary unit. */
  complex: boolean;
  deadline: number;
  /** Terms left to the outermost \sum or \prod being evaluated, shared by the ones nested in it. */
  sumWork?: { left: number };
  /** Check the answer side for values floats cannot be trusted with (see Suspicious). */
  guard?: boolean;
}

/**
 * A value a float comparison cannot judge: a constant so tiny or huge that it
 * hides below the tolerance (`10^{-25}`), a sum that absorbs one of its terms
 * (`x + 10^{-12}`), a function taken at a near-zero argument or landing a hair
 * from an integer (`\cos(10^{-8})`). Only the answer is checked: it is the
 * side a policy writes.
 */
export class Suspicious extends Error {}

/** Functions whose values are no algebraic combination of their arguments: near-identities hide in them. */
const TRANSCENDENTAL = new Set([
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'asin',
  'arcsin',
  'acos',
  'arccos',
  'atan',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log',
  'log10',
  'exp',
]);

const constantCache = nodeFact<boolean>('constant');
/** The subtree holds no variable (π and e are constants). */
export function isConstantTree(node: MathNode): boolean {
  let known = constantCache.get(node);
  if (known !== undefined) return known;
  const n = view(node);
  if (n.type === 'SymbolNode') known = n.name === 'pi' || n.name === 'e';
  else if (fnName(n) === 'sum' || fnName(n) === 'prod') known = false;
  else known = (n.args ?? n.items ?? (n.content ? [n.content] : [])).every(isConstantTree);
  constantCache.set(node, known);
  return known;
}

function checkValue(node: MathNode, v: Num): void {
  if (typeof v !== 'number' || v === 0 || !Number.isFinite(v)) return;
  const a = Math.abs(v);
  if ((a < 1e-10 || a > 1e15) && isConstantTree(node)) throw new Suspicious('constant out of range');
}

const seedOf = (name: string) => [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261) >>> 0;

/** A fixed smooth function per name: stands in for an unknown `f`. */
function opaque(name: string, xs: number[]): number {
  const h = seedOf(name);
  return xs.reduce((acc, x, i) => acc + Math.sin((0.7 + ((h >> (i * 3)) % 97) / 61 + i) * x + (h % 13) / 7) * (1.3 + i) + 0.11 * x * (i + 1), (h % 29) / 17);
}

const REAL: Record<string, (...x: number[]) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sec: (x) => 1 / Math.cos(x),
  csc: (x) => 1 / Math.sin(x),
  cot: (x) => 1 / Math.tan(x),
  asin: Math.asin,
  arcsin: Math.asin,
  acos: Math.acos,
  arccos: Math.acos,
  atan: Math.atan,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  log: Math.log,
  log10: Math.log10,
  exp: Math.exp,
  floor: Math.floor,
  ceil: Math.ceil,
  percent: (x) => x / 100,
  degree: (x) => x,
  gcd: (a, b) => gcdF(a, b),
  lcm: (a, b) => Math.abs(a * b) / gcdF(a, b),
  max: Math.max,
  min: Math.min,
  nthRoot: (x, k) => (x < 0 && Math.abs(k % 2) === 1 ? -Math.pow(-x, 1 / k) : Math.pow(x, 1 / k)),
};

function gcdF(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  for (let i = 0; b && i < 200; i++) [a, b] = [b, a % b];
  return a;
}

export function evalFloat(node: MathNode, scope: FloatScope): Num {
  const v = evalNode(node, scope);
  if (scope.guard) checkValue(node, v);
  return v;
}

function evalNode(node: MathNode, scope: FloatScope): Num {
  const { math } = getMath();
  const n = view(node);
  switch (n.type) {
    case 'ConstantNode':
      // A decimal longer than a double holds (`0.99999999999999999`) is not the float it rounds to.
      if (scope.guard && (DECIMALS.get(node)?.sig ?? 0) > 15) throw new Suspicious('decimal beyond double precision');
      return n.value as number;
    case 'ParenthesisNode':
      return evalFloat(n.content!, scope);
    case 'SymbolNode': {
      const v = scope.vars.get(n.name!);
      if (v !== undefined) return v;
      if (n.name === 'pi') return Math.PI;
      if (n.name === 'e') return Math.E;
      if (n.name === 'i' && scope.complex) return math.complex(0, 1) as unknown as Num;
      throw new RangeError(`unbound ${n.name}`);
    }
    case 'ArrayNode':
      return n.items!.map((item) => evalFloat(item, scope));
  }
  const name = fnName(n);
  if (name === 'sum' || name === 'prod') return bigOperator(name, n.args!, scope);
  const xs = n.args!.map((a) => evalFloat(a, scope));
  const allReal = xs.every((x) => typeof x === 'number');
  if (n.type === 'OperatorNode') {
    if (scope.guard && allReal && (name === 'add' || name === 'subtract')) absorbs(xs[0] as number, xs[1] as number);
    const v = operator(name, xs, allReal);
    // A power of a non-zero base that underflows to 0 (`e^{-1000}`) hides whatever it stood for.
    if (scope.guard && name === 'pow' && v === 0 && xs[0] !== 0) throw new Suspicious('underflow');
    return v;
  }
  if (allReal) {
    const r = xs as number[];
    // Unknown functions (no key of REAL and none of evalFunction's own) are opaque: guarded as transcendental ones are.
    if (scope.guard && (TRANSCENDENTAL.has(name) || !(name in REAL || name === 'sqrt' || name === 'abs' || name === 'combinations'))) {
      return nearStep(r, evalFunction(name, r, scope));
    }
    return evalFunction(name, r, scope);
  }
  const mathFn = (math as unknown as Record<string, (...x: unknown[]) => Num>)[name === 'percent' ? 'divide' : name];
  if (name === 'percent') return math.divide(xs[0] as never, 100) as unknown as Num;
  if (!mathFn || !['sqrt', 'abs', 'det', 'exp', 'log', 'sin', 'cos', 'tan'].includes(name)) throw new RangeError(`no ${name} here`);
  return mathFn(...xs);
}

function evalFunction(name: string, r: number[], scope: FloatScope): Num {
  const { math } = getMath();
  if (name === 'sqrt') return r[0]! < 0 && scope.complex ? (math.sqrt(r[0]!) as unknown as Num) : Math.sqrt(r[0]!);
  if (name === 'abs') return Math.abs(r[0]!);
  if (name === 'combinations') return combinations(r[0]!, r[1]!);
  const f = REAL[name];
  if (f) return f(...r);
  return opaque(name, r);
}

/** One term of a sum below a billionth of the other vanishes in floats, or nearly: not a comparison floats can make. */
function absorbs(a: number, b: number): void {
  if (a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return;
  const [small, big] = Math.abs(a) < Math.abs(b) ? [Math.abs(a), Math.abs(b)] : [Math.abs(b), Math.abs(a)];
  if (small < 1e-9 * big) throw new Suspicious('absorbed term');
}

/** A transcendental function at a near-zero argument, or landing within 1e-12 of an integer without being one. */
function nearStep(args: number[], v: Num): Num {
  if (args.some((x) => x !== 0 && Math.abs(x) < 1e-6)) throw new Suspicious('near-zero argument');
  if (v === 0 && args.some((x) => x !== 0)) throw new Suspicious('underflow');
  if (typeof v === 'number' && Number.isFinite(v)) {
    const r = Math.round(v);
    if (v !== r && Math.abs(v - r) < 1e-12 * Math.max(1, Math.abs(v))) throw new Suspicious('near an integer');
  }
  return v;
}

function operator(name: string, xs: Num[], real: boolean): Num {
  const { math } = getMath();
  const [a, b] = xs as number[];
  // Infinity is an end of an interval, not a number to compute with: `\infty^0`, `1/\infty` are no values.
  if (real && name !== 'unaryMinus' && name !== 'unaryPlus' && xs.some((x) => x === Infinity || x === -Infinity)) return NaN;
  if (real) {
    switch (name) {
      case 'add':
        return a! + b!;
      case 'subtract':
        return a! - b!;
      case 'multiply':
        return a! * b!;
      case 'divide':
        return b === 0 ? NaN : a! / b!; // 1/0 is no answer, not infinity
      case 'unaryMinus':
        return -a!;
      case 'unaryPlus':
        return a!;
      case 'pow': {
        const r = Math.pow(a!, b!);
        if (Math.abs(r) === Infinity && Number.isFinite(a!) && Number.isFinite(b!) && a !== 0) throw new LimitError('overflow');
        return r;
      }
      case 'factorial':
        if (a! > 170) throw new LimitError('factorial');
        return a! < 0 || !Number.isInteger(a!) ? NaN : (math.factorial(a!) as number);
    }
  }
  const fns: Record<string, string> = {
    add: 'add',
    subtract: 'subtract',
    multiply: 'multiply',
    divide: 'divide',
    unaryMinus: 'unaryMinus',
    unaryPlus: 'unaryPlus',
    pow: 'pow',
  };
  const f = fns[name];
  if (!f) throw new RangeError(`no ${name} here`);
  if (name === 'pow' && Array.isArray(xs[0]) && !(typeof b === 'number' && Number.isInteger(b) && Math.abs(b) <= 64)) throw new LimitError('matrix power');
  return (math as unknown as Record<string, (...x: unknown[]) => Num>)[f]!(...xs);
}

function combinations(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0) return NaN;
  if (k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) {
    r = (r * (n - i + 1)) / i;
    if (!Number.isFinite(r)) throw new LimitError('binomial');
  }
  return Math.round(r);
}

/** `\sum_{k=lo}^{hi} body` as a loop, refused beyond LIMITS.maxSumTerms terms (maxSumWork with the sums nested in it). */
function bigOperator(name: string, args: MathNode[], scope: FloatScope): number {
  const [body, index, loNode, hiNode] = args;
  const lo = evalFloat(loNode!, scope);
  const hi = evalFloat(hiNode!, scope);
  if (typeof lo !== 'number' || typeof hi !== 'number') throw new RangeError('complex bounds');
  const from = Math.ceil(lo - 1e-9);
  const to = Math.floor(hi + 1e-9);
  if (to - from > LIMITS.maxSumTerms) throw new LimitError('sum length');
  const sumWork = scope.sumWork ?? { left: LIMITS.maxSumWork };
  sumWork.left -= Math.max(0, to - from + 1);
  if (sumWork.left < 0) throw new LimitError('sum length');
  const k = view(index!).name!;
  const vars = new Map(scope.vars);
  let acc = name === 'sum' ? 0 : 1;
  for (let i = from; i <= to; i++) {
    vars.set(k, i);
    const v = evalFloat(body!, { ...scope, vars, sumWork });
    if (typeof v !== 'number') throw new RangeError('complex term');
    acc = name === 'sum' ? acc + v : acc * v;
  }
  if (Date.now() > scope.deadline) throw new LimitError('deadline');
  return acc;
}
