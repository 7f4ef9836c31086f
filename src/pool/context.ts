/** The machinery handed to rules in a worker: what each worker kind provides. */
import type { RewardContext } from '../../rewards/types.ts';
import { createMathEngine } from '../math/index.ts';
import type { WorkerOptions } from './protocol.ts';

export async function createContextBase(options: WorkerOptions): Promise<Omit<RewardContext, 'deadline'>> {
  if (options.kind === 'sandbox') {
    // Imported here only: isolated-vm must never load into a scoring worker (or the HTTP process).
    const { createSandbox } = await import('../sandbox/index.ts');
    return { sandbox: await createSandbox(options.sandbox ?? {}) };
  }
  return { math: createMathEngine() };
}
