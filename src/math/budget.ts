/**
 * The work one verdict may do, in units of about one node evaluated (a float
 * operation, a monomial multiplied, a 64-bit limb of a big number). Every loop
 * whose length an answer controls spends from it, so the worst answer costs
 * milliseconds whatever the machine's load, and running out is the answer's
 * fault (`answer_limit_exceeded`), never a timeout. Verdicts are synchronous,
 * so one budget at a time is enough.
 */
import { LimitError } from './limits.ts';

let left = Infinity;

/** Runs `fn` with `units` to spend; nested calls share the outer budget. */
export function withBudget<T>(units: number, fn: () => T): T {
  if (left !== Infinity) return fn();
  left = units;
  try {
    return fn();
  } finally {
    left = Infinity;
  }
}

export function spend(units: number): void {
  left -= units;
  if (left < 0) throw new LimitError('work');
}
