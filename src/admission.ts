/**
 * Backpressure before parsing. A scoring request is admitted or refused from
 * its Content-Length alone, in the onRequest hook, so a refusal never pays for
 * parsing a body: that cost, paid for work then thrown away, is what made
 * throughput collapse under overload.
 *
 * The queue is counted in bytes of request bodies admitted and not yet
 * answered; the service rate in bytes answered per second of busy time, learnt
 * from the requests it answers (a decayed average, so it follows the mix of
 * rules). While cells wait for a worker, a request whose estimated wait
 * (queued bytes, its own included, over that rate) passes MAX_QUEUE_WAIT_MS is
 * refused with 503 and a Retry-After of the excess; a request finds room
 * anyway while its caller holds less than an equal share of what the queue may
 * hold, so one caller's flood never shuts the others out. Callers (caller.ts) are API keys, else
 * connections.
 */
import type { FastifyInstance } from 'fastify';
import { Overloaded, ShuttingDown } from './errors.ts';
import { onReplyEnd } from './on-reply-end.ts';
import { retryAfterSeconds } from './retry-after.ts';

export interface AdmissionOptions {
  /** While true (a shutdown), new work is refused so a balancer sends it to another replica. */
  draining(): boolean;
  /** Longest estimated wait a request is admitted into, in ms. */
  maxWaitMs: number;
  /** Routes (POST) refused while draining, beside the `config.scoring` routes it admits. */
  drainRoutes?: readonly string[];
  /** Cells waiting for a worker now: with none, the workers have room and nothing is refused. */
  queuedCells(): number;
}

export interface Admission {
  /** Estimated wait, in ms, of a request of `bytes` sent now (0 while the rate is unknown); also the Retry-After of a full pool queue (error-handler.ts). */
  waitMs(bytes: number): number;
}

const HALF_LIFE_MS = 10_000; // of the service rate's memory: a minute-old mix hardly counts
const MIN_BUSY_MS = 1_000; // of busy time observed before the rate is trusted to refuse anything

export function installAdmission(app: FastifyInstance, options: AdmissionOptions): Admission {
  const drainRoutes = new Set(options.drainRoutes);
  const byCaller = new Map<string, number>(); // bytes queued per caller
  let queued = 0;
  let busySince = 0; // while anything is queued, when that began (or when last counted)
  let busyMs = 0; // decayed
  let answered = 0; // decayed bytes
  let admittedTotal = 0;
  let admittedCount = 0;

  const now = () => performance.now();
  /** Adds the busy time since the last count, decaying what was there before. */
  const countBusy = () => {
    if (queued === 0) return;
    const t = now();
    const elapsed = t - busySince;
    const decay = 0.5 ** (elapsed / HALF_LIFE_MS);
    busyMs = busyMs * decay + elapsed;
    answered *= decay;
    busySince = t;
  };
  const rate = () => (busyMs >= MIN_BUSY_MS ? (answered * 1000) / busyMs : 0);
  const waitMs = (bytes: number) => {
    const r = rate();
    return r > 0 ? ((queued + bytes) * 1000) / r : 0;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const scoring = request.routeOptions.config?.scoring === true;
    if (options.draining() && (scoring || drainRoutes.has(request.routeOptions.url ?? ''))) throw new ShuttingDown();
    if (!scoring) return;
    const declared = Number(request.headers['content-length']);
    // A chunked body is counted as an average one; its real size is unknown until it is read.
    const bytes = Number.isFinite(declared) && declared >= 0 ? declared : admittedCount > 0 ? admittedTotal / admittedCount : 0;
    const caller = request.caller.fairness;
    const mine = byCaller.get(caller) ?? 0;
    countBusy();
    const wait = waitMs(bytes);
    // Each caller may hold an equal share of what the queue may hold; one holding less always finds room.
    const share = (rate() * options.maxWaitMs) / 1000 / (byCaller.size + (mine === 0 ? 1 : 0));
    if (queued > 0 && wait > options.maxWaitMs && mine + bytes > share && options.queuedCells() > 0) {
      // Once that much has drained, the request would be admitted.
      throw Object.assign(new Overloaded(`an estimated ${Math.ceil(wait / 1000)} s of requests`), { retryAfter: retryAfterSeconds(wait - options.maxWaitMs) });
    }
    if (queued === 0) busySince = now();
    queued += bytes;
    byCaller.set(caller, mine + bytes);
    admittedTotal += bytes;
    admittedCount++;
    onReplyEnd(reply, (finished) => {
      countBusy();
      queued -= bytes;
      // Only a scored answer tells of the service rate: not a refusal, nor a request cut short by its client.
      if (finished && reply.raw.statusCode < 300) answered += bytes;
      const left = (byCaller.get(caller) ?? 0) - bytes;
      if (left > 0) byCaller.set(caller, left);
      else byCaller.delete(caller);
    });
  });

  return {
    waitMs,
  };
}
