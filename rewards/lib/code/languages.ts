/** The languages the code reward runs, and the names they go by in fences and datasets. */
import type { SandboxLanguage } from '../../types.ts';

const ALIASES: Readonly<Record<string, SandboxLanguage>> = {
  javascript: 'javascript',
  js: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  mjs: 'javascript',
  typescript: 'typescript',
  ts: 'typescript',
  python: 'python',
  python3: 'python',
  py: 'python',
  py3: 'python',
};

/** `undefined` for a name that is not one of ours (a fence tag like `bash`, or a typo). */
export function normalizeLanguage(name: string): SandboxLanguage | undefined {
  return ALIASES[name.trim().toLowerCase()];
}
