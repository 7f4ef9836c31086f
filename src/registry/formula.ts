/**
 * The restricted formula language of composite rules (what OpenAI's multi
 * grader calls `calculate_output`): arithmetic, min/max/abs, comparisons,
 * and/or/not and `c ? a : b` over the named sub-scores. mathjs only parses;
 * the tree is checked node by node and evaluated here, so nothing else
 * (import, assignment, function definitions, property access) can run.
 */
import { parse, type MathNode } from 'mathjs';

export interface Formula {
  /** The sub-score names the formula reads. */
  names: string[];
  evaluate(scores: Readonly<Record<string, number>>): number;
}

type Fn = (...args: number[]) => number;
const operators: Record<string, Fn> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  mod: (a, b) => a % b,
  pow: (a, b) => a ** b,
  unaryMinus: (a) => -a,
  unaryPlus: (a) => a,
  smaller: (a, b) => Number(a < b),
  larger: (a, b) => Number(a > b),
  smallerEq: (a, b) => Number(a <= b),
  largerEq: (a, b) => Number(a >= b),
  equal: (a, b) => Number(a === b),
  unequal: (a, b) => Number(a !== b),
  and: (a, b) => Number(a !== 0 && b !== 0),
  or: (a, b) => Number(a !== 0 || b !== 0),
  not: (a) => Number(a === 0),
};
const functions: Record<string, Fn> = { min: Math.min, max: Math.max, abs: Math.abs };

/** Words the parser treats as operators or functions: they cannot name a sub-score. */
export const reservedNames = new Set([...Object.keys(functions), 'and', 'or', 'not', 'xor', 'mod', 'to', 'in', 'true', 'false']);

type Evaluator = (scores: Readonly<Record<string, number>>) => number;

function check(node: MathNode, allowed: ReadonlySet<string>, used: Set<string>): Evaluator {
  const n = node as MathNode & Record<string, unknown>;
  switch (node.type) {
    case 'ConstantNode': {
      const value = n.value;
      if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`constant ${JSON.stringify(value)} is not a number`);
      return () => Number(value);
    }
    case 'SymbolNode': {
      const name = n.name as string;
      if (!allowed.has(name)) throw new Error(`unknown name "${name}"; the formula may use ${[...allowed].join(', ')}`);
      used.add(name);
      return (scores) => scores[name];
    }
    case 'ParenthesisNode':
      return check(n.content as MathNode, allowed, used);
    case 'OperatorNode': {
      const op = operators[n.fn as string];
      if (!op) throw new Error(`operator "${String(n.op)}" is not allowed`);
      const args = (n.args as MathNode[]).map((arg) => check(arg, allowed, used));
      return (scores) => op(...args.map((arg) => arg(scores)));
    }
    case 'ConditionalNode': {
      const [cond, yes, no] = [n.condition, n.trueExpr, n.falseExpr].map((part) => check(part as MathNode, allowed, used));
      return (scores) => (cond(scores) !== 0 ? yes(scores) : no(scores));
    }
    case 'FunctionNode': {
      const fnNode = n.fn as MathNode & { name?: string };
      const fn = fnNode.type === 'SymbolNode' ? functions[fnNode.name!] : undefined;
      if (!fn) throw new Error(`function "${fnNode.name ?? fnNode.type}" is not allowed; use ${Object.keys(functions).join(', ')}`);
      const args = (n.args as MathNode[]).map((arg) => check(arg, allowed, used));
      if (args.length === 0) throw new Error(`${fnNode.name}() needs at least one argument`);
      return (scores) => fn(...args.map((arg) => arg(scores)));
    }
    default:
      throw new Error(`${node.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed`);
  }
}

/** Parses and checks `text`; throws an Error saying what is not allowed. */
export function compileFormula(text: string, names: readonly string[]): Formula {
  let tree: MathNode;
  try {
    tree = parse(text);
  } catch (error) {
    throw new Error(`cannot parse: ${(error as Error).message}`, { cause: error });
  }
  const used = new Set<string>();
  const evaluate = check(tree, new Set(names), used);
  return { names: [...used], evaluate };
}
