/**
 * Whether Python runs, decided in one place for every process that builds the
 * app (the server, the CLI's in-process engine): SANDBOX_PYTHON=off never runs
 * it; `auto` and `on` run it only when the sandbox's self-test passes on this
 * machine, and with `on` a failed self-test stops the process. Everything
 * else (the sandbox workers, /readyz, GET /v1/rewards) reads the result.
 */
import type { Config } from '../config.ts';
import { selfTestPython } from './self-test.ts';

/** What the code sandbox runs here, and why a language it could run is off (shown by /readyz and GET /v1/rewards). */
export interface SandboxStatus {
  languages: string[];
  unavailable: Record<string, string>;
}

/** SANDBOX_PYTHON=on and the self-test failed: the process must not go on. */
export class PythonRequired extends Error {
  constructor(readonly reason: string) {
    super(`SANDBOX_PYTHON=on, but the Python sandbox self-test failed: ${reason}`);
  }
}

const ALWAYS = ['javascript', 'typescript']; // V8 isolates: nothing on the machine to check

export async function resolveSandbox(config: Pick<Config, 'pythonSandbox' | 'sandbox'>): Promise<SandboxStatus> {
  if (config.pythonSandbox === 'off') return { languages: ALWAYS, unavailable: { python: 'SANDBOX_PYTHON=off' } };
  try {
    await selfTestPython(config.sandbox);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (config.pythonSandbox === 'on') throw new PythonRequired(reason);
    return { languages: ALWAYS, unavailable: { python: `the Python sandbox self-test failed: ${reason}` } };
  }
  return { languages: [...ALWAYS, 'python'], unavailable: {} };
}
