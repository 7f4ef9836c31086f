/**
 * Keys of parsed values from their exact normal forms: equal keys mean equal
 * values, so the items of two collections are matched by sorting and hashing,
 * not each against each; only items left without a partner are compared one
 * by one (a decimal for a fraction, an identity floats must check).
 */
import type { MathNode } from 'mathjs';
import { canonKey, toCanon } from './canon/canonical.ts';
import type { Value } from './value.ts';

const KEYLESS = { imaginary: false, float: () => null };
const cache = new WeakMap<MathNode, string | null>();

function exprKey(node: MathNode): string | null {
  if (cache.has(node)) return cache.get(node)!;
  const n = node as unknown as { type: string; value?: unknown; fn?: string; args?: MathNode[] };
  // Interval ends: ±∞ have no exact form but a key.
  if (n.type === 'ConstantNode' && n.value === Infinity) return 'inf';
  if (n.type === 'OperatorNode' && n.fn === 'unaryMinus' && (n.args![0] as unknown as { value?: unknown }).value === Infinity) return '-inf';
  const c = toCanon(node, KEYLESS);
  const key = c ? canonKey(c) : null;
  cache.set(node, key);
  return key;
}

export function valueKey(v: Value): string | null {
  const all = (xs: Value[]) => {
    const keys = xs.map(valueKey);
    return keys.every((k) => k !== null) ? (keys as string[]) : null;
  };
  switch (v.kind) {
    case 'expr':
      return exprKey(v.node);
    case 'text':
      return `text:${v.text.toLowerCase()}`;
    case 'tuple': {
      const keys = all(v.items);
      return keys && (v.ratio ? keys.join(':') : `(${keys.join(',')})`);
    }
    case 'interval': {
      const [lo, hi] = [exprKey(v.lo), exprKey(v.hi)];
      return lo !== null && hi !== null ? `${v.loClosed ? '[' : '('}${lo},${hi}${v.hiClosed ? ']' : ')'}` : null;
    }
    case 'set':
    case 'list': {
      const keys = all(v.items);
      return keys && `${v.kind}{${[...new Set(keys)].sort().join(',')}}`;
    }
    case 'union': {
      const keys = all(v.parts);
      return keys && `U{${[...new Set(keys)].sort().join(',')}}`;
    }
    default:
      return null;
  }
}
