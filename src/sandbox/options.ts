/** The sandbox's options: every one, its default and its check in one visible place. */
import { limits } from './limits.ts';

export interface SandboxOptions {
  /** Run Python under bubblewrap; false leaves JavaScript and TypeScript only. */
  python: boolean;
  /** The CPython 3 binary, run inside the sandbox (must live under /usr, the only host tree mounted). */
  pythonPath: string;
  bwrapPath: string;
  /** Memory per JS isolate (heap) and per Python test (address space), in MiB. */
  memoryMb: number;
  /** Output kept per test (JS: stdout and stderr together; Python: stdout); more fails with `output_limit`, in bytes. */
  outputBytes: number;
  /** Programs run in one isolate before it is replaced (also replaced when its heap passes half its limit). */
  isolateRecycleRuns: number;
  /** Processes (and threads) a Python test may have at once, counted per sandbox slot. */
  maxProcesses: number;
}

export const sandboxDefaults: SandboxOptions = {
  python: true,
  pythonPath: '/usr/bin/python3',
  bwrapPath: 'bwrap',
  memoryMb: limits.memoryMb,
  outputBytes: limits.outputBytes,
  isolateRecycleRuns: limits.isolateRecycleRuns,
  maxProcesses: limits.maxProcesses,
};

const positive: Array<keyof SandboxOptions> = ['memoryMb', 'outputBytes', 'isolateRecycleRuns', 'maxProcesses'];

/** Merges `input` over the defaults; throws naming the first bad option. */
export function resolveSandboxOptions(input: Record<string, unknown> = {}): SandboxOptions {
  const options = { ...sandboxDefaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!(key in sandboxDefaults)) throw new Error(`sandbox option "${key}" is unknown`);
    const expected = typeof sandboxDefaults[key as keyof SandboxOptions];
    if (typeof value !== expected) throw new Error(`sandbox option "${key}" must be a ${expected}, got ${JSON.stringify(value)}`);
    options[key] = value;
  }
  for (const key of positive) {
    const value = options[key] as number;
    if (!Number.isInteger(value) || value < 1) throw new Error(`sandbox option "${key}" must be an integer >= 1, got ${value}`);
  }
  return options as unknown as SandboxOptions;
}
