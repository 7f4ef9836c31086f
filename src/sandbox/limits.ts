/**
 * The sandbox's limits, in one file both sides read: limits.json, imported
 * here for the JavaScript side and handed to the Python fork server on its
 * command line. The first four are defaults a deployment may change (see
 * options.ts); the others are fixed.
 */
import limitsFile from './limits.json' with { type: 'json' };

export interface SandboxLimits {
  /** Memory per JS isolate (heap) and per Python test (address space), in MiB. */
  memoryMb: number;
  /** Output kept per test (JS: stdout and stderr together; Python: stdout), in bytes. */
  outputBytes: number;
  /** Processes (and threads) a Python test may have at once, per sandbox slot. */
  maxProcesses: number;
  /** Programs run in one isolate before it is replaced. */
  isolateRecycleRuns: number;
  /** stderr kept per test, in bytes (characters, for JavaScript). */
  stderrKeepBytes: number;
  /** Largest return value (its JSON text) a test may send back, in bytes. */
  resultBytes: number;
  /** Size of each Python job's private /tmp and /dev/shm, and of any file a test writes, in bytes. */
  scratchBytes: number;
  /** Open files per Python test process. */
  openFiles: number;
}

export const limits: Readonly<SandboxLimits> = Object.freeze(limitsFile satisfies SandboxLimits);

/** As the Python fork server receives it. */
export const limitsJson = JSON.stringify(limits);
