/**
 * Background jobs for very large requests: submit, then poll from any replica.
 * A job is checked as a scoring request would be (rules, params, limits) when
 * it is submitted, so bad input is a 4xx then and never a failed job later;
 * it is stored with its request, run by whichever replica claims it, and its
 * result stored for JOB_TTL_MS. Jobs' cells take their turn in the pools
 * under one caller, so background work never crowds out live requests.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from './config.ts';
import type { PoolLogger } from './pool/pool.ts';
import { scopedScoring } from './request-scope.ts';
import { keepReferenceTexts, stringifyRequest } from './reference-text.ts';
import { planBatch } from './scoring/plan-rules.ts';
import { startBatch, type ScoringDeps } from './scoring/score-batch.ts';
import type { ScoreRequest } from './scoring/types.ts';
import type { ClaimedJob, JobRecord, JobStore } from './storage/job-store.ts';

export interface Jobs {
  /** Checks and queues the request; throws catalog errors for bad input and TooManyJobs when full. */
  submit(body: ScoreRequest): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}

const PROGRESS_EVERY_MS = 500; // at most one progress write per job per this

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
    try {
      const result = await startBatch(body, jobScoring, {
        signal: job.signal,
        log: logger,
        onWarning,
        onGroup: () => {
          done++;
          if (performance.now() - lastWrite >= PROGRESS_EVERY_MS) writeProgress();
        },
      });
      if (job.signal.aborted) return; // cut short: given back, to be run again in full
      await job.finish({ result: JSON.stringify(result) });
      logger.info({ job: job.id, groups: result.groups.length, cells: result.timing.cells, ms: Math.round(result.timing.total_ms) }, 'job done');
    } catch (error) {
      if (job.signal.aborted) return;
      const { code, message } = error as Error & { code?: string };
      await job.finish({ error: { code: code ?? 'VERDICT_INTERNAL', message } });
      logger.warn({ job: job.id, code }, 'job failed');
    }
  }

  if (config.jobConcurrency > 0) store.work(run);

  return {
    async submit(body) {
      // Every mistake (rules, limits, references) is a 4xx now, not a failed job later.
      planBatch(body, scoring.registry, config);
      const id = randomUUID();
      await store.create({ id, groups: body.groups.length, request: stringifyRequest(body) });
      return (await store.get(id))!;
    },
    get: (id) => store.get(id),
    close: () => store.close(),
  };
}
