/** The machinery handed to rules in a worker: what each worker kind provides. */
import type { RewardContext } from '../../rewards/types.ts';
import type { WorkerOptions } from './protocol.ts';

export async function createContextBase(options: WorkerOptions): Promise<Omit<RewardContext, 'deadline'>> {
  void options;
  return {};
}
