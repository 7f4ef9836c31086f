/**
 * Structural equivalence of two parsed answers: names and equations first,
 * then by kind. Lists and sets are unordered, tuples ordered; a plain list
 * against a tuple is ordered (Math-Verify: `{1,3}` answers `(1,3)`, not `(3,1)`).
 * Collections are matched by the keys of their exact forms (value-key.ts).
 */
import { exprEqual, type ExprPath, type NumericOptions } from './expr-equal.ts';
import { isName, reduceRelation, relationEqual, relationEqualsSet } from './relation-equal.ts';
import type { MathNode } from 'mathjs';
import { spend } from './budget.ts';
import { getMath } from './mathjs.ts';
import { formatValue } from './format-value.ts';
import { textNorm } from './normalize-text.ts';
import { keyOf, type Key } from './value-key.ts';
import { fnName, isInequality, view, type Value } from './value.ts';

export interface EquivalenceOptions extends NumericOptions {
  /** Accept inequalities as an answer to a gold written `x \in S`. */
  allowSetRelation: boolean;
}

export interface Equivalence {
  equal: boolean;
  /** How the last deciding comparison was made. */
  path: ExprPath | 'structure' | 'relation' | 'membership';
}

/** An interval, or a 2-tuple read as the open interval it may be. */
function asInterval(v: Value): { lo: MathNode; hi: MathNode; loClosed: boolean; hiClosed: boolean } | null {
  if (v.kind === 'interval') return v;
  if (v.kind !== 'tuple' || v.items.length !== 2 || v.ratio) return null;
  const [a, b] = v.items;
  return a!.kind === 'expr' && b!.kind === 'expr' ? { lo: a.node, hi: b.node, loClosed: false, hiClosed: false } : null;
}

/** `x < 2 \text{ or } x > 5`: a list of inequalities is the union of their solution sets. */
const isRelationList = (v: Value) => v.kind === 'list' && !!v.either;
const conditions = (v: Value) => v.kind === 'relation' || v.kind === 'and' || isRelationList(v);

export function equivalent(gold: Value, pred: Value, options: EquivalenceOptions): Equivalence {
  let path: Equivalence['path'] = 'structure';
  const cmp = (g: Value, p: Value): boolean => {
    spend(1);
    const a = single(g);
    const b = single(p);
    if (a.kind === 'relation' || b.kind === 'relation' || a.kind === 'and' || b.kind === 'and') return relations(a, b);
    if (a.kind === 'expr' && b.kind === 'expr') {
      const v = exprEqual(a.node, b.node, options);
      path = v.path;
      return v.equal;
    }
    if (a.kind === 'text' || b.kind === 'text') return a.kind === 'text' && b.kind === 'text' && textNorm(a.text) === textNorm(b.text);
    if (
      (isRelationList(a) && setLike(b)) ||
      (isRelationList(b) && setLike(a)) ||
      (isRelationList(a) && isRelationList(b) && !structures(a, b, cmp, options.strictVariables))
    ) {
      path = 'membership';
      return relationEqualsSet(a, b, options);
    }
    return structures(a, b, cmp, options.strictVariables) || (setLike(a) && setLike(b) && !sameShape(a, b) && setsByMembership(a, b, options));
  };
  const relations = (a: Value, b: Value): boolean => {
    // Conditions written otherwise (`1 < x < 3` and `x > 1 \text{ and } x < 3`) compare by their solutions.
    if ((a.kind === 'and' || b.kind === 'and') && conditions(a) && conditions(b)) {
      path = 'membership';
      return relationEqualsSet(a, b, options);
    }
    const ra = reduceRelation(a);
    const rb = reduceRelation(b);
    if (a.kind === 'relation' && b.kind === 'relation') {
      if (ra && rb && (!ra.name || !rb.name || sameName(ra.name, rb.name))) return cmp(ra.value, rb.value);
      path = 'relation';
      return relationEqual(a, b, cmp, options);
    }
    // A gold written `x \in S` accepts inequalities only when allowed (Math-Verify's policy).
    if (ra) return a.kind === 'relation' && a.ops[0] === 'in' && isInequality(b) && !options.allowSetRelation ? false : cmp(ra.value, b);
    if (rb) return cmp(a, rb.value);
    path = 'membership';
    if (a.kind === 'relation' || a.kind === 'and') return (setLike(b) || isRelationList(b)) && relationEqualsSet(a, b, options);
    return (setLike(a) || isRelationList(a)) && relationEqualsSet(a, b, options);
  };
  const equal = cmp(gold, pred);
  return { equal, path };
}

const setLike = (v: Value) => v.kind === 'interval' || v.kind === 'union' || v.kind === 'set' || (v.kind === 'tuple' && v.items.length === 2 && !v.ratio);

/**
 * Two values of the same bracket shape compare structurally only; a union, an interval and a finite set
 * may still be one set written otherwise (`(-\infty, 1) \cup [1, \infty)` is `\mathbb{R}`). A 2-tuple may
 * be a point, so it is never re-read this way.
 */
const sameShape = (a: Value, b: Value) =>
  (a.kind === b.kind &&
    (a.kind !== 'union' || (b.kind === 'union' && a.parts.length === b.parts.length && [...a.parts, ...b.parts].every((p) => !!asInterval(p))))) ||
  a.kind === 'tuple' ||
  b.kind === 'tuple';

function setsByMembership(a: Value, b: Value, options: EquivalenceOptions): boolean {
  // `__x` is a name no answer can write, standing for "the element".
  const x: Value = { kind: 'relation', ops: ['in'], sides: [{ kind: 'expr', node: new (getMath().math.SymbolNode)('__x') }, a] };
  return relationEqualsSet(x, b, options);
}

const single = (v: Value): Value =>
  (v.kind === 'list' || v.kind === 'union') && (v.kind === 'list' ? v.items : v.parts).length === 1 ? single(v.kind === 'list' ? v.items[0]! : v.parts[0]!) : v;

/** `y_1` names `y_1`; `W(n)` and `W(x)` name the same function; `y` and `f(x)` both name the graph's dependent variable. */
function sameName(a: Value, b: Value): boolean {
  if (a.kind !== 'expr' || b.kind !== 'expr') return a.kind === b.kind && JSON.stringify(formatValue(a)) === JSON.stringify(formatValue(b));
  if (!isName(a) || !isName(b)) return false;
  const call = (v: Value) => {
    const n = view((v as { node: MathNode }).node);
    return n.type === 'FunctionNode' && n.args!.length === 1 && view(n.args![0]!).type === 'SymbolNode'
      ? { fn: fnName(n), arg: view(n.args![0]!).name! }
      : null;
  };
  const isY = (v: Value) => view((v as { node: MathNode }).node).type === 'SymbolNode' && view((v as { node: MathNode }).node).name === 'y';
  const [ca, cb] = [call(a), call(b)];
  if (ca && cb) return ca.fn === cb.fn || ca.arg === cb.arg;
  if ((ca && isY(b)) || (cb && isY(a))) return true;
  return formatValue(a) === formatValue(b);
}

/**
 * Every item of each side matches an item of the other (duplicates do not count). Items with equal
 * keys match at once; an item left over is compared only with the other side's items whose keys are
 * not decisive (see value-key.ts), and the first that matches nothing ends it: linear in the items
 * when their values are exact.
 */
function sameSet(as: Value[], bs: Value[], cmp: (a: Value, b: Value) => boolean, strict: boolean): boolean {
  spend(as.length + bs.length);
  const ka = as.map(keyOf);
  const kb = bs.map(keyOf);
  const keysA = new Set(ka.map((k) => k.key).filter((k) => k !== null));
  const keysB = new Set(kb.map((k) => k.key).filter((k) => k !== null));
  const left = (xs: Value[], keys: Key[], other: Set<string | null>) =>
    xs.map((x, i) => [x, keys[i]!] as const).filter(([, k]) => k.key === null || !other.has(k.key));
  // Renamed variables (strict_variables: false) make any two keys comparable.
  const candidates = (xs: Value[], keys: Key[], mine: Key) => xs.filter((_, i) => !(strict && mine.decisive && keys[i]!.decisive));
  return (
    left(as, ka, keysB).every(([a, k]) => candidates(bs, kb, k).some((b) => cmp(a, b))) &&
    left(bs, kb, keysA).every(([b, k]) => candidates(as, ka, k).some((a) => cmp(a, b)))
  );
}

const ordered = (as: Value[], bs: Value[], cmp: (a: Value, b: Value) => boolean) => as.length === bs.length && as.every((a, i) => cmp(a, bs[i]!));

function structures(a: Value, b: Value, cmp: (a: Value, b: Value) => boolean, strict = true): boolean {
  const unordered = (v: Value) => v.kind === 'list' || v.kind === 'set';
  if (unordered(a) && unordered(b)) return sameSet((a as { items: Value[] }).items, (b as { items: Value[] }).items, cmp, strict);
  if (a.kind === 'tuple' && b.kind === 'tuple') return !!a.ratio === !!b.ratio && ordered(a.items, b.items, cmp);
  if ((a.kind === 'tuple' && b.kind === 'list') || (a.kind === 'list' && b.kind === 'tuple')) return ordered(a.items, b.items, cmp);
  const ia = asInterval(a);
  const ib = asInterval(b);
  if (ia && ib && (a.kind === 'interval' || b.kind === 'interval')) {
    return (
      ia.loClosed === ib.loClosed &&
      ia.hiClosed === ib.hiClosed &&
      cmp({ kind: 'expr', node: ia.lo }, { kind: 'expr', node: ib.lo }) &&
      cmp({ kind: 'expr', node: ia.hi }, { kind: 'expr', node: ib.hi })
    );
  }
  if (a.kind === 'union' && b.kind === 'union') return sameSet(a.parts, b.parts, cmp, strict);
  return false;
}
