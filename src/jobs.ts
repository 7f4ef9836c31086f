/**
 * Background jobs for very large requests: submit, then poll from any replica.
 * A job is checked as a scoring request would be (rules, params, limits) when
 * it is submitted, so bad input is a 4xx then and never a failed job later;
 * it is stored with its request, run by whichever replica claims it, and its
 * result stored for JOB_TTL_MS. Jobs' cells take their turn in the pools
 * under one caller, so background work never crowds out live requests; a job
 * that finds a pool's queue full waits for room, and is never failed for it.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import type { PoolLogger } from './pool/pool.ts';
import { scopedScoring } from './request-scope.ts';
import { keepReferenceTexts, stringifyRequest } from './reference-text.ts';
import { planBatch } from './scoring/plan-rules.ts';
import type { QueueFull } from './scoring/run-cells.ts';
import { prepareBatch, type ScoringDeps } from './scoring/score-batch.ts';
import type { ScoreRequest, ScoreResponse } from './scoring/types.ts';
import type { ClaimedJob, JobRecord, JobStore } from './storage/job-store.ts';

export interface Jobs {
  /** Checks and queues the request; throws catalog errors for bad input and TooManyJobs when full. */
  submit(body: ScoreRequest): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}

const PROGRESS_EVERY_MS = 500; // at most one progress write per job per this
const ROOM_POLL_MS = 100; // how often a job refused by a full queue looks again

/** True once `hasRoom()`; false after `withinMs`, or at once when `signal` aborts. */
function roomWithin(hasRoom: () => boolean, withinMs: number, signal: AbortSignal): Promise<boolean> {
  const until = performance.now() + withinMs;
  return new Promise((resolve) => {
    const settle = (room: boolean) => {
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(room);
    };
    const onAbort = () => settle(false);
    const timer = setInterval(() => {
      if (hasRoom()) settle(true);
      else if (performance.now() >= until) settle(false);
    }, ROOM_POLL_MS);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function createJobs(store: JobStore, scoring: ScoringDeps, config: Config, logger: PoolLogger, onWarning?: (ruleId: string) => void): Jobs {
  const jobScoring = scopedScoring(scoring, 'jobs');

  async function run(job: ClaimedJob): Promise<void> {
    logger.info({ job: job.id }, 'job started');
    const body = JSON.parse(job.request) as ScoreRequest;
    keepReferenceTexts(body, () => job.request);
    let done = 0;
    let written = 0;
    let lastWrite = 0;
    const writeProgress = () => {
      if (done === written) return;
      written = done;
      lastWrite = performance.now();
      job.progress(done).catch((error: Error) => logger.warn({ job: job.id, err: error.message }, 'job progress not stored'));
    };
    let result: ScoreResponse;
    try {
      const batch = prepareBatch(body, jobScoring, {
        signal: job.signal,
        log: logger,
        onWarning,
        onGroup: () => {
          done++;
          if (performance.now() - lastWrite >= PROGRESS_EVERY_MS) writeProgress();
        },
      });
      // Planned and built once: only the launch waits for room.
      const scored = await admitted(job, () => batch.launch());
      if (!scored) return; // postponed, or given back
      result = scored; // the whole batch: admitted() returned once it ended
      if (job.signal.aborted) return; // cut short: given back, to be run again in full
    } catch (error) {
      if (job.signal.aborted) return;
      const { code, message } = error as Error & { code?: string };
      await job.finish({ error: { code: code ?? 'VERDICT_INTERNAL', message } });
      logger.warn({ job: job.id, code }, 'job failed');
      return;
    }
    // Outside the try: a result the store cannot take now is not the job's failure; the claim is
    // given back (or lapses) and the job runs again.
    await job.finish({ result: JSON.stringify(result) });
    logger.info({ job: job.id, groups: result.groups.length, cells: result.timing.cells, ms: Math.round(result.timing.total_ms) }, 'job done');
  }

  /**
   * `launch()` once the pools' queues have room for the job's cells. A full queue is a moment's state,
   * never the job's outcome: the job waits for room for up to a lease, then is postponed (given back,
   * the claim not counted) for this or another replica to try again. Undefined when postponed or
   * given back.
   */
  async function admitted<T>(job: ClaimedJob, launch: () => T): Promise<T | undefined> {
    for (;;) {
      try {
        return launch();
      } catch (error) {
        const hasRoom = (error as Partial<QueueFull>).hasRoom;
        if (!hasRoom) throw error;
        if (await roomWithin(hasRoom, config.jobLeaseMs, job.signal)) continue;
        if (job.signal.aborted) return undefined;
        // Not stored (the store is down): the claim is given back or lapses, as after any failed run.
        await job.postpone().then(
          () => logger.info({ job: job.id }, 'job postponed: the scoring queue stayed full'),
          (failed: Error) => logger.warn({ job: job.id, err: failed.message }, 'job not postponed'),
        );
        return undefined;
      }
    }
  }

  if (config.jobConcurrency > 0) store.work(run);

  return {
    async submit(body) {
      // Every mistake (rules, limits, references) is a 4xx now, not a failed job later.
      planBatch(body, scoring.registry, config);
      return store.create({ id: randomUUID(), groups: body.groups.length, request: stringifyRequest(body) });
    },
    get: (id) => store.get(id),
    close: () => store.close(),
  };
}
