/** A readable normal form of a parsed answer, shown in `details`. */
import type { Value } from './value.ts';

export function formatValue(v: Value): string {
  switch (v.kind) {
    case 'expr':
      return v.node.toString();
    case 'text':
      return `text(${v.text})`;
    case 'interval':
      return `${v.loClosed ? '[' : '('}${v.lo.toString()}, ${v.hi.toString()}${v.hiClosed ? ']' : ')'}`;
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
  }
}
