/**
 * Keys of parsed values from their exact normal forms: equal keys mean equal
 * values, so the items of two collections are matched by hashing, not each
 * against each. A key is also decisive when its value is exact and complete
 * (no decimal, percent or degree convention, no opaque atom): two decisive
 * keys that differ are two different values, so only items left without a
 * partner and without a decisive key are compared one by one.
 */
import type { MathNode } from 'mathjs';
import { canonKey, EXACT_ONLY, isCompleteCanon, rationalValue, toCanon } from './canon/canonical.ts';
import * as Q from './rational.ts';
import { textNorm } from './normalize-text.ts';
import { DECIMALS, fnName, nodeFact, someNode, view, type Value } from './value.ts';

export interface Key {
  key: string | null;
  decisive: boolean;
}

const cache = nodeFact<Key>('key');
const NONE: Key = { key: null, decisive: false };

function exprKey(node: MathNode): Key {
  const hit = cache.get(node);
  if (hit) return hit;
  const n = view(node);
  // Interval ends: ±∞ have no exact form but a key.
  if (n.type === 'ConstantNode' && n.value === Infinity) return { key: 'inf', decisive: true };
  if (fnName(n) === 'unaryMinus' && view(n.args![0]!).value === Infinity) return { key: '-inf', decisive: true };
  const q = rationalValue(node);
  if (q) {
    // A rational constant: its key at once, decisive unless written as a decimal or a percent.
    const key: Key = { key: Q.key(q), decisive: !someNode(node, (x) => DECIMALS.has(x)) };
    cache.set(node, key);
    return key;
  }
  const c = toCanon(node, EXACT_ONLY);
  const conventions = someNode(
    node,
    (x) => DECIMALS.has(x) || ['percent', 'degree'].includes(fnName(view(x))) || (view(x).type === 'SymbolNode' && view(x).name === 'i'),
  );
  const key: Key = c ? { key: canonKey(c), decisive: isCompleteCanon(c) && !conventions } : NONE;
  cache.set(node, key);
  return key;
}

function combine(parts: Key[], make: (keys: string[]) => string): Key {
  if (parts.some((p) => p.key === null)) return NONE;
  return { key: make(parts.map((p) => p.key!)), decisive: parts.every((p) => p.decisive) };
}

export function keyOf(v: Value): Key {
  switch (v.kind) {
    case 'expr':
      return exprKey(v.node);
    case 'text':
      return { key: `text:${textNorm(v.text)}`, decisive: true };
    case 'tuple':
      return combine(v.items.map(keyOf), (keys) => (v.ratio ? keys.join(':') : `(${keys.join(',')})`));
    case 'interval':
      return combine([exprKey(v.lo), exprKey(v.hi)], ([lo, hi]) => `${v.loClosed ? '[' : '('}${lo},${hi}${v.hiClosed ? ']' : ')'}`);
    case 'set':
    case 'list': {
      // A set and a bare brace list may be equal: one key shape, never decisive.
      const k = combine(v.items.map(keyOf), (keys) => `{${[...new Set(keys)].sort().join(',')}}`);
      return { key: k.key, decisive: false };
    }
    case 'union': {
      const k = combine(v.parts.map(keyOf), (keys) => `U{${[...new Set(keys)].sort().join(',')}}`);
      return { key: k.key, decisive: false };
    }
    default:
      return NONE;
  }
}
