/**
 * What an answer parses into. Scalars and matrices are mathjs node trees;
 * the structures around them (tuples, sets, intervals, relations) are ours,
 * because their equality rules are not arithmetic.
 */
import type { MathNode } from 'mathjs';
import type { Rational } from './rational.ts';

export type RelOp = '=' | '<' | '<=' | '>' | '>=' | '!=' | 'in' | 'approx';

export type Value =
  | { kind: 'expr'; node: MathNode }
  /** Words that are not math: compared as normalized strings only. */
  | { kind: 'text'; text: string }
  /** `(a, b)`: ordered; a 2-tuple may also be an open interval. `a:b` is a ratio tuple. */
  | { kind: 'tuple'; items: Value[]; ratio?: boolean }
  /** An answer list `a, b` or a bare brace group `{a, b}`: unordered; `either`: inequalities joined by "or". */
  | { kind: 'list'; items: Value[]; either?: boolean }
  /** `\{a, b\}`: a finite set. */
  | { kind: 'set'; items: Value[] }
  | { kind: 'interval'; lo: MathNode; hi: MathNode; loClosed: boolean; hiClosed: boolean }
  | { kind: 'union'; parts: Value[] }
  /** `a op b op c ...`: equations, inequalities, `x \in S`. */
  | { kind: 'relation'; ops: RelOp[]; sides: Value[] }
  /** Conditions that must all hold: `\{x \mid x > 0, x \ne 1\}`. */
  | { kind: 'and'; parts: Value[] };

/** Exact values of numeric literals, kept beside the float in the ConstantNode. */
export const EXACT = new WeakMap<MathNode, Rational>();

/**
 * A property of a node, kept on the node itself: a WeakMap per fact would make every garbage
 * collection walk its entries, one per literal of every answer ever parsed.
 */
export function nodeFact<T>(name: string) {
  const key = Symbol(name);
  type Holder = { [key]?: T };
  return {
    get: (node: MathNode): T | undefined => (node as unknown as Holder)[key],
    has: (node: MathNode): boolean => (node as unknown as Holder)[key] !== undefined,
    set: (node: MathNode, value: T): void => {
      (node as unknown as Holder)[key] = value;
    },
  };
}

/** Literals written with a decimal point or exponent (`0.333333`, `1.2e-5`): their significant digits and the power of ten of their last digit. */
export const DECIMALS = nodeFact<{ sig: number; place: number }>('decimal');

export const expr = (node: MathNode): Value => ({ kind: 'expr', node });

/** The fields of a mathjs node our walkers read, whatever its type. */
export interface NodeLike {
  type: string;
  fn?: string | { name: string };
  name?: string;
  args?: MathNode[];
  items?: MathNode[];
  content?: MathNode;
  value?: unknown;
}

export const view = (node: MathNode) => node as unknown as NodeLike;

/** Whether any node of the tree satisfies `test`, without building the list mathjs's filter would. */
export function someNode(node: MathNode, test: (n: MathNode) => boolean): boolean {
  if (test(node)) return true;
  const n = view(node);
  for (const child of n.args ?? n.items ?? (n.content ? [n.content] : [])) if (someNode(child, test)) return true;
  return false;
}

/**
 * The number of nodes mathjs's `filter` would visit, without building its list: someNode's children,
 * plus a function's name node, which mathjs counts as a child of its FunctionNode.
 */
export function countNodes(node: MathNode): number {
  const n = view(node);
  let count = typeof n.fn === 'object' ? 1 + countNodes(n.fn as unknown as MathNode) : 1;
  for (const child of n.args ?? n.items ?? (n.content ? [n.content] : [])) count += countNodes(child);
  return count;
}

/** Relations that are inequalities (`!=` among them): their solutions are a set, not a value. */
export const isInequality = (v: Value) => v.kind === 'relation' && v.ops.every((op) => op === '<' || op === '<=' || op === '>' || op === '>=' || op === '!=');

/** The trigonometric functions: the parser reads their arguments in degrees when marked so, canon/ knows their special angles. */
export const TRIG = new Set(['sin', 'cos', 'tan', 'sec', 'csc', 'cot']);

/** The operator (`add`) or function (`sqrt`) name of a node, else ''. */
export const fnName = (n: NodeLike) => (typeof n.fn === 'string' ? n.fn : (n.fn?.name ?? ''));
