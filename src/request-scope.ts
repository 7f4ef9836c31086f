/**
 * What a scoring request (or a job) carries to the pools: when to give up on
 * it, and whose turn its cells wait for.
 *
 * A route that scores while its request waits declares `config.scoring`. That
 * one flag is what admission (admission.ts) reads, and the route's handler
 * gets the scoring machinery only through `app.verdict.scope`, which refuses a
 * route without it: a scoring route cannot skip admission, its caller's turn
 * in the pools or its cancellation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { onReplyEnd } from './on-reply-end.ts';
import { forCaller } from './pool/pool.ts';
import type { ScoringDeps } from './scoring/score-batch.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route scores cells while its request waits: admitted by admission.ts, scored through `app.verdict.scope`. */
    scoring?: boolean;
  }
}

interface ScopeOptions {
  /** The request's own deadline (`deadline_ms`), in ms. */
  deadlineMs?: number;
  /** A client that goes away cancels the request's cells (the default); off while something else awaits the answer (a retry, a store write). */
  untilDisconnect?: boolean;
}

/** The scoring machinery for one request of a `scoring` route: its cells queued under its caller, and the signal that ends them. */
export type ScoringScope = (request: FastifyRequest, reply: FastifyReply, options?: ScopeOptions) => { scoring: ScoringDeps; signal: AbortSignal };

/** `stop` fires at the end of a shutdown's grace period. */
export function createScoringScope(scoring: ScoringDeps, stop: AbortSignal): ScoringScope {
  return (request, reply, options = {}) => {
    const route = request.routeOptions;
    if (route.config.scoring !== true) throw new Error(`${request.method} ${route.url} scores without declaring config.scoring: admission would not see it`);
    return {
      scoring: scopedScoring(scoring, request.caller.fairness),
      signal: requestSignal(reply, options.deadlineMs, stop, options.untilDisconnect ?? true),
    };
  };
}

/**
 * Aborted when the request's `deadline_ms` passes, when `stop` fires (the end
 * of a shutdown's grace period), or, with `untilDisconnect`, when the client
 * goes away before its answer is written: its queued cells leave the queue at
 * once. (A request with an Idempotency-Key keeps running for the retry that
 * will come for it.)
 */
function requestSignal(reply: FastifyReply, deadlineMs: number | undefined, stop: AbortSignal, untilDisconnect: boolean): AbortSignal {
  // One controller per request, its listeners removed when the reply closes: a signal derived from the
  // app-long `stop` (AbortSignal.any) would keep every request's cells reachable from it.
  const controller = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  const timer = deadlineMs ? setTimeout(() => controller.abort(new DOMException('request deadline passed', 'TimeoutError')), deadlineMs) : undefined;
  onReplyEnd(reply, (finished) => {
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
