/**
 * The one hardened mathjs instance of a process, created on first use. User
 * text never reaches mathjs's own parser: our parser builds node trees, and
 * the string entry points are disabled.
 */
import { create, all } from 'mathjs';
import type { MathJsInstance, MathNode } from 'mathjs';

export interface HardenedMath {
  math: MathJsInstance;
  /** mathjs's simplify, captured before its string-taking siblings are disabled. */
  simplify: (node: MathNode) => MathNode;
}

let instance: HardenedMath | undefined;

export function getMath(): HardenedMath {
  if (instance) return instance;
  const math = create(all, { number: 'number' });
  const simplify = math.simplify.bind(math) as unknown as (node: MathNode) => MathNode;
  const disabled = (name: string) => () => {
    throw new Error(`mathjs ${name} is disabled in Verdict's math engine`);
  };
  const names = ['import', 'createUnit', 'evaluate', 'parse', 'compile', 'reviver'];
  math.import(Object.fromEntries(names.map((n) => [n, disabled(n)])), { override: true });
  instance = { math, simplify };
  return instance;
}
