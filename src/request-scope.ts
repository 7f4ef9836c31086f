/**
 * What a scoring request (or a job) carries to the pools: when to give up on
 * it, and whose turn its cells wait for.
 */
import type { FastifyReply } from 'fastify';
import { forCaller } from './pool/pool.ts';
import type { ScoringDeps } from './scoring/score-batch.ts';

/**
 * Aborted when the request's `deadline_ms` passes, when `stop` fires (the end
 * of a shutdown's grace period), or, with `untilDisconnect`, when the client
 * goes away before its answer is written: its queued cells leave the queue at
 * once. (A request with an Idempotency-Key keeps running for the retry that
 * will come for it.)
 */
export function requestSignal(reply: FastifyReply, deadlineMs: number | undefined, stop: AbortSignal, untilDisconnect: boolean): AbortSignal {
  // One controller per request, its listeners removed when the reply closes: a signal derived from the
  // app-long `stop` (AbortSignal.any) would keep every request's cells reachable from it.
  const controller = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  const timer = deadlineMs ? setTimeout(() => controller.abort(new DOMException('request deadline passed', 'TimeoutError')), deadlineMs) : undefined;
  let finished = false;
  reply.raw.once('finish', () => (finished = true));
  reply.raw.once('close', () => {
    stop.removeEventListener('abort', onStop);
    clearTimeout(timer);
    if (!finished && untilDisconnect) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

/** The scoring machinery with every cell queued under `caller` (callers take turns in the pools). */
export function scopedScoring(scoring: ScoringDeps, caller: string): ScoringDeps {
  return { ...scoring, pools: { score: forCaller(scoring.pools.score, caller), sandbox: forCaller(scoring.pools.sandbox, caller) } };
}
