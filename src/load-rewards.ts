/** The built-in rules plus any extra rule modules named in the config (plugins, test fixtures). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinRewards } from '../rewards/index.ts';
import type { RewardDefinition } from '../rewards/types.ts';

export async function loadRewards(modules: readonly string[]): Promise<RewardDefinition[]> {
  const extra = await Promise.all(
    modules.map(async (module) => {
      const loaded = (await import(pathToFileURL(path.resolve(module)).href)) as { reward?: RewardDefinition };
      if (!loaded.reward) throw new Error(`reward module ${module} does not export \`reward\``);
      return loaded.reward;
    }),
  );
  return [...builtinRewards, ...extra];
}
