/** Rational arithmetic on literals, evaluated at once: the common case needs no normal form. */
import type { MathNode } from 'mathjs';
import * as Q from '../rational.ts';
import { EXACT, fnName, view } from '../value.ts';

/**
 * The value of rational arithmetic on literals (`-\frac{3}{4}`, `3.9 \times 10^{-12}`), else null: the
 * common case, decided without building normal forms.
 */
export function rationalValue(node: MathNode): Q.Rational | null {
  const n = view(node);
  if (n.type === 'ConstantNode') return EXACT.get(node) ?? null;
  if (n.type === 'ParenthesisNode') return rationalValue(n.content!);
  if (n.type !== 'OperatorNode') return null;
  const a = rationalValue(n.args![0]!);
  if (!a) return null;
  const fn = fnName(n);
  if (fn === 'unaryMinus') return Q.neg(a);
  if (fn === 'unaryPlus') return a;
  const b = n.args![1] ? rationalValue(n.args![1]) : null;
  if (!b) return null;
  switch (fn) {
    case 'add':
      return Q.add(a, b);
    case 'subtract':
      return Q.sub(a, b);
    case 'multiply':
      return Q.mul(a, b);
    case 'divide':
      return Q.isZero(b) ? null : Q.div(a, b);
    case 'pow':
      return Q.isInteger(b) && !(Q.isZero(a) && b.n < 0n) && (b.n < 0n ? -b.n : b.n) <= 64n ? Q.pow(a, b) : null;
  }
  return null;
}
