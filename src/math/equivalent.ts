/**
 * Structural equivalence of two parsed answers: names and equations first,
 * then by kind. Lists and sets are unordered, tuples ordered; a plain list
 * against a tuple is ordered (Math-Verify: `{1,3}` answers `(1,3)`, not `(3,1)`).
 */
import { exprEqual, type ExprPath, type NumericOptions } from './expr-equal.ts';
import { isName, reduceRelation, relationEqual, relationEqualsSet } from './relation-equal.ts';
import type { MathNode } from 'mathjs';
import { formatValue } from './format-value.ts';
import type { Value } from './value.ts';

export interface EquivalenceOptions extends NumericOptions {
  /** Accept inequalities as an answer to a gold written as a set (`x \in [a,b]`). */
  allowSetRelation: boolean;
}

export interface Equivalence {
  equal: boolean;
  /** How the last deciding comparison was made. */
  path: ExprPath | 'structure' | 'relation' | 'membership';
}

const MAX_ITEMS = 200;

/** An interval, or a 2-tuple read as the open interval it may be. */
function asInterval(v: Value): { lo: MathNode; hi: MathNode; loClosed: boolean; hiClosed: boolean } | null {
  if (v.kind === 'interval') return v;
  if (v.kind !== 'tuple' || v.items.length !== 2 || v.ratio) return null;
  const [a, b] = v.items;
  return a!.kind === 'expr' && b!.kind === 'expr' ? { lo: a.node, hi: b.node, loClosed: false, hiClosed: false } : null;
}

export function equivalent(gold: Value, pred: Value, options: EquivalenceOptions): Equivalence {
  let path: Equivalence['path'] = 'structure';
  const cmp = (g: Value, p: Value): boolean => {
    const a = single(g);
    const b = single(p);
    if (a.kind === 'relation' || b.kind === 'relation') return relations(a, b);
    if (a.kind === 'expr' && b.kind === 'expr') {
      const v = exprEqual(a.node, b.node, options);
      path = v.path;
      return v.equal;
    }
    if (a.kind === 'text' || b.kind === 'text') return false;
    return structures(a, b, cmp);
  };
  const relations = (a: Value, b: Value): boolean => {
    const ra = reduceRelation(a);
    const rb = reduceRelation(b);
    if (a.kind === 'relation' && b.kind === 'relation') {
      if (ra && rb && (!ra.name || !rb.name || sameName(ra.name, rb.name))) return cmp(ra.value, rb.value);
      path = 'relation';
      return relationEqual(a, b, cmp, options);
    }
    if (ra) return cmp(ra.value, b);
    if (rb) return cmp(a, rb.value);
    path = 'membership';
    if (a.kind === 'relation') return setLike(b) && relationEqualsSet(a, b, options);
    return options.allowSetRelation && setLike(a) && relationEqualsSet(b, a, options);
  };
  const equal = cmp(gold, pred);
  return { equal, path };
}

const setLike = (v: Value) => v.kind === 'interval' || v.kind === 'union' || v.kind === 'set' || (v.kind === 'tuple' && v.items.length === 2);

const single = (v: Value): Value => ((v.kind === 'list' || v.kind === 'union') && (v.kind === 'list' ? v.items : v.parts).length === 1 ? single(v.kind === 'list' ? v.items[0]! : v.parts[0]!) : v);

/** `y_1` names `y_1`; `W(n)` and `W(x)` name the same function. */
function sameName(a: Value, b: Value): boolean {
  if (a.kind !== 'expr' || b.kind !== 'expr') return a.kind === b.kind && JSON.stringify(a) === JSON.stringify(b);
  const head = (v: Value) => {
    const n = (v as { node: { type: string; fn?: { name: string } } }).node;
    return n.type === 'FunctionNode' ? `${n.fn!.name}()` : formatValue(v);
  };
  return isName(a) && isName(b) && head(a) === head(b);
}

/** Every item of each side matches an item of the other (duplicates do not count). */
function sameSet(as: Value[], bs: Value[], cmp: (a: Value, b: Value) => boolean): boolean {
  if (as.length > MAX_ITEMS || bs.length > MAX_ITEMS) return false;
  return as.every((a) => bs.some((b) => cmp(a, b))) && bs.every((b) => as.some((a) => cmp(a, b)));
}

const ordered = (as: Value[], bs: Value[], cmp: (a: Value, b: Value) => boolean) => as.length === bs.length && as.every((a, i) => cmp(a, bs[i]!));

function structures(a: Value, b: Value, cmp: (a: Value, b: Value) => boolean): boolean {
  const unordered = (v: Value) => v.kind === 'list' || v.kind === 'set';
  if (unordered(a) && unordered(b)) return sameSet((a as { items: Value[] }).items, (b as { items: Value[] }).items, cmp);
  if (a.kind === 'tuple' && b.kind === 'tuple') return ordered(a.items, b.items, cmp);
  if ((a.kind === 'tuple' && b.kind === 'list') || (a.kind === 'list' && b.kind === 'tuple')) return ordered(a.items, b.items, cmp);
  const ia = asInterval(a);
  const ib = asInterval(b);
  if (ia && ib && (a.kind === 'interval' || b.kind === 'interval')) {
    return ia.loClosed === ib.loClosed && ia.hiClosed === ib.hiClosed && cmp({ kind: 'expr', node: ia.lo }, { kind: 'expr', node: ib.lo }) && cmp({ kind: 'expr', node: ia.hi }, { kind: 'expr', node: ib.hi });
  }
  if (a.kind === 'union' && b.kind === 'union') return sameSet(a.parts, b.parts, cmp);
  return false;
}
