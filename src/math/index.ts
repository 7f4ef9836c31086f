/**
 * The math engine handed to rules as `ctx.math`. Creation is cheap: the
 * hardened mathjs instance is built on the first `verify`, once per process.
 */
import type { MathEngine } from '../../rewards/types.ts';
import { verify } from './verify.ts';

export function createMathEngine(): MathEngine {
  return { verify };
}

export { verify } from './verify.ts';
