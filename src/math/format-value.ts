/**
 * A readable normal form of a parsed answer, shown in `details`. Our own
 * printer: mathjs's toString spends most of its time on precedence and
 * number formatting we do not need.
 */
import type { MathNode } from 'mathjs';
import { view, type NodeLike, type Value } from './value.ts';

const SYMBOL: Record<string, [string, number]> = { add: [' + ', 1], subtract: [' - ', 1], multiply: [' * ', 2], divide: [' / ', 2], pow: ['^', 4] };

function precedence(n: NodeLike): number {
  if (n.type !== 'OperatorNode') return 9;
  const fn = n.fn as string;
  return fn === 'unaryMinus' ? 3 : fn === 'factorial' ? 5 : (SYMBOL[fn]?.[1] ?? 9);
}

export function formatNode(node: MathNode): string {
  const n = view(node);
  switch (n.type) {
    case 'ConstantNode':
      return String(n.value);
    case 'SymbolNode':
      return n.name!;
    case 'ParenthesisNode':
      return formatNode(n.content!);
    case 'ArrayNode':
      return `[${n.items!.map(formatNode).join(', ')}]`;
    case 'FunctionNode':
      return `${(n.fn as { name: string }).name}(${n.args!.map(formatNode).join(', ')})`;
  }
  const fn = n.fn as string;
  const own = precedence(n);
  // Parentheses when the child binds looser, or as tightly on the side that does not associate.
  const wrap = (child: MathNode, right: boolean) => {
    const p = precedence(view(child));
    const tight = p > own || (p === own && (right ? fn === 'add' || fn === 'multiply' : fn !== 'pow'));
    return tight ? formatNode(child) : `(${formatNode(child)})`;
  };
  if (fn === 'unaryMinus') return `-${wrap(n.args![0]!, true)}`;
  if (fn === 'unaryPlus') return formatNode(n.args![0]!);
  if (fn === 'factorial') return `${wrap(n.args![0]!, false)}!`;
  return `${wrap(n.args![0]!, false)}${SYMBOL[fn]?.[0] ?? ` ${fn} `}${wrap(n.args![1]!, true)}`;
}

export function formatValue(v: Value): string {
  switch (v.kind) {
    case 'expr':
      return formatNode(v.node);
    case 'text':
      return `text(${v.text})`;
    case 'interval':
      return `${v.loClosed ? '[' : '('}${formatNode(v.lo)}, ${formatNode(v.hi)}${v.hiClosed ? ']' : ')'}`;
    case 'union':
      return v.parts.map(formatValue).join(' ∪ ');
    case 'relation':
      return v.sides.map((s, i) => (i ? `${v.ops[i - 1]} ${formatValue(s)}` : formatValue(s))).join(' ');
    case 'tuple':
      return v.ratio ? v.items.map(formatValue).join(':') : `(${v.items.map(formatValue).join(', ')})`;
    case 'set':
      return `{${v.items.map(formatValue).join(', ')}}`;
    case 'list':
      return `list(${v.items.map(formatValue).join(', ')})`;
    case 'and':
      return v.parts.map(formatValue).join(' and ');
  }
}
