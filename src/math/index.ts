/**
 * The math engine handed to rules as `ctx.math`, with its hardened mathjs
 * instance built once per process, at creation: building it is slow (more so on
 * a loaded machine), and must not count against a cell's deadline.
 */
import type { MathEngine } from '../../rewards/types.ts';
import { getMath } from './mathjs.ts';
import { verify } from './verify.ts';

export function createMathEngine(): MathEngine {
  getMath();
  return { verify };
}

export { verify } from './verify.ts';
