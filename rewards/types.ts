/**
 * The one shape every reward rule has. A rule is pure: it gets a sample, its
 * params (already validated against `paramsSchema`, defaults filled in) and a
 * context carrying the machinery it may use, and returns a result.
 */

/** What one cell of the batch scores: one completion, for one rule. */
export interface Sample {
  prompt?: string;
  /** The text being judged: for conversations, the last assistant message. */
  completion: string;
  /** Whatever the rule checks against: a gold answer, test cases, ... */
  reference?: unknown;
  /**
   * The reference as the request's JSON text wrote it, when it holds numbers a JavaScript number changes
   * (`3.0`, `1e5`, integers past 2^53); read it with exact-json.ts where int vs float matters.
   */
  referenceText?: string;
  metadata?: Record<string, unknown>;
  /** Token ids of the completion, when the trainer sends them. */
  completion_ids?: number[];
  /** Token count of the completion, when the trainer sends it. */
  num_tokens?: number;
  /** Read access to the other completions of the group (only for rules with `needsGroup`). */
  group?: { completions: string[]; index: number; num_tokens?: (number | null)[] };
  /** Scores of the other rules for this completion (only for rules with `needsVerdicts`). */
  verdicts?: Record<string, number | null>;
  /** What the rule's `batchContext` found for the whole request (only for rules that have one). */
  batch?: Record<string, unknown>;
}

/** One group of a request, as a rule's `batchContext` sees it. */
interface BatchGroup {
  prompt?: string;
  metadata?: Record<string, unknown>;
}

/** `score: null` means "could not score" (skipped), which is not 0 ("wrong"). */
export interface ScoreResult {
  score: number | null;
  reason?: string;
  details?: Record<string, unknown>;
}

export interface RewardExample {
  /** Why this example scores what it does. */
  name: string;
  sample: Sample;
  params?: Record<string, unknown>;
  expected: number | null;
  /** When given, the reason code the result must carry. */
  reason?: string;
}

/** A JSON Schema, kept loose so `as const` schema objects fit. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A string-level math judge: extraction plus equivalence, provided by the machinery. */
export interface MathEngine {
  verify(gold: string, answer: string, options: Record<string, unknown>): ScoreResult;
}

export type SandboxLanguage = 'javascript' | 'typescript' | 'python';

/**
 * A program run in the code sandbox. Only inputs go in: expected outputs stay
 * with the caller, which judges the runs outside the sandbox.
 */
export interface SandboxRunRequest {
  language: SandboxLanguage;
  source: string;
  /**
   * `call`: run the program, then call `fnName` once per input (a JSON array of arguments);
   * `stdio`: run the program once per input, fed as stdin;
   * `script`: run the program followed by `assertCode` once; passing = no exception.
   */
  mode: 'call' | 'stdio' | 'script';
  fnName?: string;
  assertCode?: string;
  inputs: string[];
  /** Per-test wall-clock limit, in ms. */
  timeoutMs: number;
  /** Epoch ms after which no further test starts (those left are reported as `timeout`). */
  deadline?: number;
}

/** How a test run failed; `js-function` reports it as the cell's reason. */
type SandboxFailure = 'timeout' | 'runtime_error' | 'memory' | 'output_limit' | 'compile_error';

export type SandboxStatus = 'ok' | SandboxFailure;

/** What one test run did; stdout and stderr are capped by the sandbox. */
export interface SandboxTestRun {
  status: SandboxStatus;
  ms: number;
  stdout: string;
  stderr: string;
  /** `call` mode with status `ok`: the JSON text of the return value. */
  value?: string;
}

export interface SandboxRunResult {
  tests: SandboxTestRun[];
  /** Set when the reference's own test code (`assertCode`) does not compile: no test ran, and none is the program's fault. */
  testsError?: string;
}

export interface Sandbox {
  /** The languages this sandbox runs (Python may be disabled by config). */
  readonly languages: readonly SandboxLanguage[];
  /** Rejects only when the sandbox itself failed (not the program): score that as `null`. */
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
}

/** The machinery a rule may use; what a rule does not need may be absent. */
export interface RewardContext {
  /** Epoch ms after which the cell is abandoned; long loops should check it. */
  deadline: number;
  math?: MathEngine;
  sandbox?: Sandbox;
}

export interface RewardDefinition<P = Record<string, unknown>> {
  /** Equal to the file name in `rewards/`. */
  id: string;
  /** Bumped whenever scores change for the same input; echoed in every result. */
  version: number;
  description: string;
  /** JSON Schema of the params: `type: object`, `additionalProperties: false`, defaults set. */
  paramsSchema: JsonSchema;
  /** Inclusive bounds of a non-null score. */
  range: readonly [number, number];
  examples: readonly RewardExample[];
  /** Where the cell runs: the scoring pool (default) or the code sandbox's child processes. */
  executor?: 'pool' | 'sandbox';
  /** The rule reads `sample.group`. */
  needsGroup?: boolean;
  /** The rule reads `sample.verdicts`, so it runs after the other rules of its completion. */
  needsVerdicts?: boolean;
  /** Per-cell deadline when the request does not set one, in ms. */
  timeoutMs?: number;
  /** The rule reads the group's reference; absent = it does not. */
  reference?: ReferenceNeed<P>;
  /**
   * Computed once per request from all its groups, where the request is
   * scored (not in a worker), before the rule's cells run; handed to each
   * of them as `sample.batch`. Must be cheap: it runs beside the HTTP server.
   * `undefined` leaves `sample.batch` unset.
   */
  batchContext?(groups: readonly BatchGroup[], params: P): Promise<Record<string, unknown> | undefined>;
  /**
   * Return synchronously wherever the work is synchronous: a cell that returns a promise costs its pool
   * worker a re-armed SIGINT watchdog (src/pool/worker.ts), more than a cheap rule's own work.
   */
  score(sample: Sample, params: P, ctx: RewardContext): ScoreResult | Promise<ScoreResult>;
}

/**
 * What a rule needs from the group's `reference`. The batch is checked against
 * it before anything runs, so a group without a usable reference is a 400
 * naming the group, not a column of `null` cells.
 */
interface ReferenceNeed<P = Record<string, unknown>> {
  /** The shapes the rule reads, as the error message and the docs state them. */
  shapes: string;
  /** Whether these params need the group's reference (default: always); e.g. not when a param gives it. */
  required?(params: P): boolean;
  /** Why this reference cannot be used, or undefined. Runs once per group and rule, on the request's thread: keep it cheap. */
  check?(reference: unknown, params: P): string | undefined;
}

/** Lets a rule file keep its own params type while the index holds them all. */
export function defineReward<P>(definition: RewardDefinition<P>): RewardDefinition {
  return definition as unknown as RewardDefinition;
}
