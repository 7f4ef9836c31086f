/** Expands `a \pm b` into the list of its values: `1 \pm \sqrt{19}` is two answers. */
import type { MathNode } from 'mathjs';
import { getMath } from './mathjs.ts';
import { LIMITS, LimitError } from './limits.ts';
import { fnName, view, type Value } from './value.ts';

const isPm = (n: MathNode) => n.type === 'FunctionNode' && fnName(view(n)) === 'pm';

/** Both readings of the first ± in the tree. */
function splitFirst(node: MathNode): [MathNode, MathNode] {
  const { math } = getMath();
  const variant = (sign: 1 | -1) => {
    let done = false;
    return node.transform((n) => {
      if (done || !isPm(n)) return n;
      done = true;
      const args = view(n).args!;
      const last = args.at(-1)!;
      const signed = sign === 1 ? last : new math.OperatorNode('-', 'unaryMinus', [last]);
      return args.length === 1 ? signed : new math.OperatorNode('+', 'add', [args[0]!, signed]);
    });
  };
  return [variant(1), variant(-1)];
}

function expandNode(node: MathNode): MathNode[] {
  let variants = [node];
  for (let i = 0; variants[0]!.filter(isPm).length > 0; i++) {
    if (i >= LIMITS.maxPlusMinus) throw new LimitError('too many ±');
    variants = variants.flatMap(splitFirst);
  }
  return variants;
}

export function expandPlusMinus(v: Value): Value {
  switch (v.kind) {
    case 'expr': {
      const variants = expandNode(v.node);
      return variants.length === 1 ? v : { kind: 'list', items: variants.map((node) => ({ kind: 'expr', node })) };
    }
    case 'list':
    case 'set': {
      // Only the values a ± produced are spliced in; nested lists stay nested.
      const items = v.items.flatMap((x) => (x.kind === 'expr' ? expandNode(x.node).map((node): Value => ({ kind: 'expr', node })) : [expandPlusMinus(x)]));
      return { ...v, items };
    }
    case 'relation':
      return { ...v, sides: v.sides.map(expandPlusMinus) };
    default:
      return v;
  }
}
