/** Batch jobs for very large requests: submit, then poll. Kept in memory for JOB_TTL_MS after they finish. */
import { randomUUID } from 'node:crypto';
import { TooManyJobs } from './errors.ts';
import type { ScoreResponse } from './scoring/types.ts';

export interface Job {
  id: string;
  status: 'running' | 'done' | 'failed';
  created_at: string;
  finished_at?: string;
  progress: { groups_done: number; groups: number };
  result?: ScoreResponse;
  error?: { code: string; message: string };
}

export interface JobStore {
  /** Starts `run`, which reports each finished group through `groupDone`. */
  create(groups: number, run: (groupDone: () => void) => Promise<ScoreResponse>): Job;
  get(id: string): Job | undefined;
}

export function createJobStore(options: { ttlMs: number; max: number }): JobStore {
  const jobs = new Map<string, Job>();
  const expire = (id: string) => setTimeout(() => jobs.delete(id), options.ttlMs).unref();
  return {
    create(groups, run) {
      if (jobs.size >= options.max) throw new TooManyJobs(jobs.size, options.max);
      const job: Job = { id: randomUUID(), status: 'running', created_at: new Date().toISOString(), progress: { groups_done: 0, groups } };
      // Bad input throws here, before the job exists, so the caller answers 4xx.
      const result = run(() => job.progress.groups_done++);
      jobs.set(job.id, job);
      result.then(
        (result) => Object.assign(job, { status: 'done', result }),
        (error: Error & { code?: string }) => Object.assign(job, { status: 'failed', error: { code: error.code ?? 'VERDICT_INTERNAL', message: error.message } }),
      ).finally(() => {
        job.finished_at = new Date().toISOString();
        expire(job.id);
      });
      return job;
    },
    get: (id) => jobs.get(id),
  };
}
