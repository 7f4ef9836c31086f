/**
 * Retry-After for every 503, in whole seconds: the one policy. A refusal for
 * a full scoring queue (admission's, or a pool's queue of cells) says how long
 * admission estimates the queue needs, so callers refused together come back
 * spread over the time it takes to drain rather than all a second later; a
 * refusal whose wait nothing here can estimate says its code's fixed time.
 */

const MAX_S = 60; // a longer estimate is too uncertain to promise; the caller may ask again then

/** `ms` of estimated wait as a Retry-After: at least 1 s, at most a minute. */
export function retryAfterSeconds(ms: number): number {
  return Math.min(MAX_S, Math.max(1, Math.ceil(ms / 1000)));
}

/** Codes refused without an estimate, in s: a database comes back in seconds; a job slot frees only when a whole job ends. */
const fixed: Record<string, number> = { VERDICT_STORE_UNAVAILABLE: 5, VERDICT_TOO_MANY_JOBS: 30 };

/**
 * The Retry-After of a 503 with `code`: its own estimate when it carries one; for a full queue
 * without one (a pool's queue of cells), `queueWaitMs()`, admission's estimate of the queue's wait;
 * else the code's, else 1 s (a draining replica: another one answers).
 */
export function retryAfterOf(code: string, estimate: number | undefined, queueWaitMs: () => number): number {
  if (estimate !== undefined) return estimate;
  if (code === 'VERDICT_OVERLOADED') return retryAfterSeconds(queueWaitMs());
  return fixed[code] ?? 1;
}
