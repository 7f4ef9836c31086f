/**
 * The code sandbox, created inside a sandbox worker process (never in the
 * HTTP process: isolated-vm can hang the process that loads it). JavaScript
 * and TypeScript run in isolated-vm; Python runs under bubblewrap.
 */
import type { Sandbox, SandboxLanguage, SandboxRunRequest, SandboxRunResult } from '../../rewards/types.ts';
import { resolveSandboxOptions } from './options.ts';
import { createPythonRunner } from './python-runner.ts';

export { resolveSandboxOptions, sandboxDefaults, type SandboxOptions } from './options.ts';
export { selfTestPython } from './self-test.ts';

const POISON_EXIT_DELAY_MS = 250; // lets the worker report the result of the run that broke the isolate

/**
 * After a catastrophic error isolated-vm leaves a thread asleep forever and
 * `process.exit` hangs, so the process SIGKILLs itself once the current result
 * is sent (as it does when its memory does not come back after a run); the
 * pool respawns it and retries whatever cell it was running.
 */
export async function createSandbox(input: Record<string, unknown> = {}): Promise<Sandbox> {
  const options = resolveSandboxOptions(input);
  const { createJsRunner } = await import('./js-runner.ts'); // loads isolated-vm only here
  let ending = false;
  const js = createJsRunner(options, () => {
    if (!ending) setTimeout(() => process.kill(process.pid, 'SIGKILL'), POISON_EXIT_DELAY_MS);
    ending = true;
  });
  const python = options.python ? createPythonRunner(options) : undefined;
  const languages: SandboxLanguage[] = python ? ['javascript', 'typescript', 'python'] : ['javascript', 'typescript'];
  return {
    languages,
    run(request: SandboxRunRequest): Promise<SandboxRunResult> {
      if (request.language === 'python') {
        if (!python) return Promise.reject(new Error('python is disabled in this sandbox'));
        return python.run(request);
      }
      return js.run(request);
    },
  };
}
